package dev.berth.runtime;

/**
 * What a runtime can do beyond the core contract. A caller checks these before offering a feature;
 * a runtime that is asked for something it lacks throws {@link
 * dev.berth.base.ErrorCode#UNSUPPORTED}, never silently does nothing.
 *
 * @param appProcesses runs the template's long-running command (an app) in the session
 * @param publishedPorts exposes app ports at {@link SessionRuntime#endpoint} URLs
 * @param resourceLimits enforces the template's cpu, memory and pids limits
 * @param networkIsolation sessions cannot reach each other's ports
 * @param images runs sessions from container images
 * @param execStdin exec can feed standard input to the command
 */
public record Capabilities(
    boolean appProcesses,
    boolean publishedPorts,
    boolean resourceLimits,
    boolean networkIsolation,
    boolean images,
    boolean execStdin) {}
