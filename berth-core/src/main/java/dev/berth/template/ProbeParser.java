package dev.berth.template;

import dev.berth.config.StrictObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads a template's {@code probe:} map: what is probed ({@link HealthProbe}: http with port, tcp
 * or exec, and the start timeout) and how it is repeated once the session runs ({@link
 * HealthCheck}). Part of {@link AppParser}.
 */
final class ProbeParser {
  private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  private ProbeParser() {}

  /** A probe and its timing, which are always set together. */
  record Probe(HealthProbe probe, HealthCheck health) {}

  /** The probe, or empty (with the problem recorded) when it is not a valid one. */
  static Optional<Probe> read(TemplateYaml t, StrictObject p) {
    Duration timeout = p.duration("startTimeout").orElse(DEFAULT_START_TIMEOUT);
    HealthCheck d = HealthCheck.DEFAULT;
    Duration interval = p.duration("interval").orElse(d.interval());
    Duration attempt = p.duration("timeout").orElse(d.timeout());
    int threshold = p.integer("failureThreshold", 1, 1000).orElse(d.failureThreshold());
    if (interval.isZero() || attempt.isZero()) {
      t.error("the probe's 'interval' and 'timeout' must be more than 0");
    }
    HealthCheck health = new HealthCheck(interval, attempt, threshold);
    Optional<String> http = p.string("http");
    Optional<Integer> port = p.integer("port", 1, 65535);
    Optional<Integer> tcp = p.integer("tcp", 1, 65535);
    Optional<List<String>> exec = p.strings("exec", false);
    p.checkNoUnknownKeys();
    int kinds = (http.isPresent() ? 1 : 0) + (tcp.isPresent() ? 1 : 0) + (exec.isPresent() ? 1 : 0);
    if (kinds != 1) {
      t.error("'probe' needs exactly one of http (with port), tcp or exec");
      return Optional.empty();
    }
    if (http.isPresent()) {
      if (port.isEmpty()) {
        t.error("an http probe needs 'port'");
        return Optional.empty();
      }
      String path = ProbePaths.normalize(http.get());
      Optional<String> problem = ProbePaths.problem(path);
      if (problem.isPresent()) {
        t.error(problem.get());
        return Optional.empty();
      }
      return Optional.of(new Probe(new HealthProbe.Http(port.get(), path, timeout), health));
    }
    if (tcp.isPresent()) {
      return Optional.of(new Probe(new HealthProbe.Tcp(tcp.get(), timeout), health));
    }
    return Optional.of(new Probe(new HealthProbe.Exec(exec.get(), timeout), health));
  }
}
