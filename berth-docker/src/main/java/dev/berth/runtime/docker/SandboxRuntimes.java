package dev.berth.runtime.docker;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.PreflightProblem;
import dev.berth.template.Sandbox;
import dev.berth.template.Template;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which engine runtime runs a template's sandbox ({@code runc}: the engine's default, given no
 * name; {@code gvisor}: the runtime named by {@code dockerGvisorRuntime}, {@code runsc} by
 * default), and whether the engine offers it. The engine's list ({@code docker info}'s {@code
 * Runtimes}) is asked again whenever a runtime is missing from what was seen, so a runtime added
 * with a {@code kill -HUP} of dockerd counts at the next create, without restarting Berth; while
 * every asked-for runtime is there, the last answer is used.
 */
final class SandboxRuntimes {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxRuntimes.class);

  /** The runtime of {@code gvisor} sessions unless configured otherwise. */
  static final String DEFAULT_GVISOR = "runsc";

  private final DockerEngine engine;
  private final String gvisor;
  private volatile Set<String> offered = Set.of();

  SandboxRuntimes(DockerEngine engine, String gvisor) {
    if (gvisor == null || !gvisor.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw BerthException.badRequest(
          "invalid Docker runtime name for gVisor sessions '"
              + gvisor
              + "' (dockerGvisorRuntime): letters, digits, '.', '_' and '-'");
    }
    this.engine = engine;
    this.gvisor = gvisor;
  }

  /** The engine runtime a session of {@code t} runs under; empty: the engine's default. */
  Optional<String> runtimeFor(Template t) {
    return runtimeFor(t.isolation().sandbox());
  }

  Optional<String> runtimeFor(Sandbox sandbox) {
    return switch (sandbox) {
      case RUNC -> Optional.empty();
      case GVISOR -> Optional.of(gvisor);
    };
  }

  /**
   * What keeps {@code t}'s sessions from running here: its sandbox's runtime is not one the engine
   * offers. An engine that does not answer is not a problem here (the create's next call says so).
   */
  Optional<PreflightProblem> problem(Template t) {
    Sandbox sandbox = t.isolation().sandbox();
    Optional<String> wanted = runtimeFor(sandbox);
    if (wanted.isEmpty() || offers(wanted.get())) {
      return Optional.empty();
    }
    return Optional.of(
        new PreflightProblem.SandboxUnavailable(
            sandbox.yamlName(), missing(t.name(), sandbox, wanted.get())));
  }

  /** The same, as the refusal of a prepare or start that was not preflighted. */
  void require(Template t) {
    problem(t)
        .ifPresent(
            p -> {
              throw new BerthException(ErrorCode.PRECONDITION_FAILED, p.message());
            });
  }

  /** Whether the engine has {@code runtime}, asking it again if the last answer lacked it. */
  boolean offers(String runtime) {
    if (offered.contains(runtime)) {
      return true;
    }
    try {
      offered = ask();
    } catch (RuntimeException e) {
      return true; // cannot tell: let the engine's own answer to the create speak
    }
    return offered.contains(runtime);
  }

  private Set<String> ask() {
    var runtimes = engine.quick("list its runtimes", () -> engine.client.infoCmd().exec());
    return runtimes.getRuntimes() == null
        ? Set.of()
        : Set.copyOf(new TreeSet<>(runtimes.getRuntimes().keySet()));
  }

  /**
   * At start-up: says in the log which runtimes the engine offers and whether gVisor sessions can
   * run, and how to add gVisor when they cannot.
   */
  void logWhatTheEngineOffers(String backend) {
    Set<String> seen;
    try {
      seen = offered = ask();
    } catch (RuntimeException e) {
      LOG.warn("backend {}: cannot list the Docker engine's runtimes: {}", backend, e.toString());
      return;
    }
    if (seen.contains(gvisor)) {
      LOG.info(
          "backend {}: the Docker engine offers runtimes {}; templates with 'sandbox: gvisor' run"
              + " under '{}'",
          backend,
          new TreeSet<>(seen),
          gvisor);
    } else {
      LOG.warn(
          "backend {}: the Docker engine offers runtimes {} but not '{}': sessions of templates"
              + " with 'sandbox: gvisor' are refused here. {}",
          backend,
          new TreeSet<>(seen),
          gvisor,
          howToAdd(gvisor));
    }
  }

  static String missing(String template, Sandbox sandbox, String runtime) {
    return "template '"
        + template
        + "' asks for 'sandbox: "
        + sandbox.yamlName()
        + "', which runs under the Docker runtime '"
        + runtime
        + "', and the engine has no runtime of that name. "
        + howToAdd(runtime);
  }

  /** The fix, in steps an operator can follow on the engine's host. */
  static String howToAdd(String runtime) {
    return "To add it: install gVisor (Debian: apt-get install runsc), add \"runtimes\": {\""
        + runtime
        + "\": {\"path\": \"/usr/bin/runsc\", \"runtimeArgs\": [\"--network=host\"]}} to"
        + " /etc/docker/daemon.json (keep its other keys; --network=host makes gVisor use the"
        + " network Docker gives the container, which VMs without nested network namespaces need),"
        + " and reload the engine with `kill -HUP $(pidof dockerd)` (no restart needed); or set"
        + " dockerGvisorRuntime to the name the engine already knows gVisor by";
  }

  /** The runtimes the engine was last seen to offer (for tests and doctor). */
  List<String> lastSeen() {
    return List.copyOf(new TreeSet<>(offered));
  }
}
