package dev.berth.session;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An exec as a client asks for it, before defaults and limits are applied.
 *
 * @param argv the program and its arguments
 * @param cwd working directory relative to the workspace root; empty: the root
 * @param env extra environment variables
 * @param stdin bytes for standard input
 * @param timeout empty: the configured default
 */
public record ExecCommand(
    List<String> argv,
    Optional<String> cwd,
    Map<String, String> env,
    byte[] stdin,
    Optional<Duration> timeout) {}
