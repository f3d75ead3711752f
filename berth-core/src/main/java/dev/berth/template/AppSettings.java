package dev.berth.template;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A template's app: the long-running process a session runs, how Berth tells it is ready and
 * healthy, and how it lives behind the browser proxy. Read from {@code command} / {@code shell},
 * {@code ports}, {@code probe} and {@code proxy} by {@link AppParser}.
 *
 * @param command the app's long-running command; empty for a session without an app
 * @param ports declared app ports; the first is the primary one the proxy opens
 * @param probe the readiness probe, if any
 * @param health how often the probe is repeated once the session runs, and when it counts as failed
 * @param proxy how the app lives behind the browser proxy (base path, prefix stripping)
 */
public record AppSettings(
    List<String> command,
    List<Integer> ports,
    Optional<HealthProbe> probe,
    HealthCheck health,
    ProxySettings proxy) {

  /** No app: exec and files only. */
  public static final AppSettings DEFAULT =
      new AppSettings(
          List.of(), List.of(), Optional.empty(), HealthCheck.DEFAULT, ProxySettings.DEFAULT);

  private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  public AppSettings {
    command = List.copyOf(command);
    ports = List.copyOf(ports);
  }

  /**
   * How long a whole start may take before it fails: the probe's {@code startTimeout}, else 60 s.
   * One deadline for everything a start waits for (the main app, the containers others wait for
   * with {@code after: {type: ready}} or {@code done}, the extra containers' probes).
   */
  public Duration startTimeout() {
    return probe.map(HealthProbe::startTimeout).orElse(DEFAULT_START_TIMEOUT);
  }

  /** Whether there is an app to run at all (else the session is a workspace for execs). */
  public boolean hasApp() {
    return !command.isEmpty();
  }

  /** The port the proxy opens at {@code /s/<id>/}: the first declared one. */
  public Optional<Integer> primaryPort() {
    return ports.stream().findFirst();
  }

  public AppSettings withCommand(List<String> newCommand) {
    return new AppSettings(newCommand, ports, probe, health, proxy);
  }

  public AppSettings withPorts(List<Integer> newPorts) {
    return new AppSettings(command, newPorts, probe, health, proxy);
  }

  public AppSettings withProbe(Optional<HealthProbe> newProbe) {
    return new AppSettings(command, ports, newProbe, health, proxy);
  }

  public AppSettings withHealth(HealthCheck newHealth) {
    return new AppSettings(command, ports, probe, newHealth, proxy);
  }

  public AppSettings withProxy(ProxySettings newProxy) {
    return new AppSettings(command, ports, probe, health, newProxy);
  }
}
