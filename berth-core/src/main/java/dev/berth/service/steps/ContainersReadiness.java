package dev.berth.service.steps;

import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.Probes;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
import dev.berth.template.SessionContainer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether a session's extra containers ({@code containers:}) are ready: every {@code auto} one runs
 * and its own probe passes where it listens, or, without a probe (or when another container waits
 * for it with {@code done}), ended with code 0 (a pipeline step that did its work). Asked once the
 * main container is ready, so a session is RUNNING only when every container that starts with it
 * is; and by the health check, which says which container is the reason a session is not healthy. A
 * template without extra containers is always ready here and costs no call.
 */
public final class ContainersReadiness {
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

  private ContainersReadiness() {}

  /**
   * @param ready every auto container runs and answers its probe
   * @param failed a container ended: waiting longer will not make it ready
   * @param type the container that is the reason ("" when ready)
   * @param why what is wrong, naming the container
   */
  public record Verdict(boolean ready, boolean failed, String type, String why) {
    static final Verdict READY = new Verdict(true, false, "", "");
  }

  public static Verdict check(Probes probes, SessionRuntime runtime, RuntimeSession session) {
    var declared = session.template().containers();
    if (declared.isEmpty()) {
      return Verdict.READY;
    }
    Map<String, ContainerStatus> seen;
    try {
      seen =
          runtime.containers(session).stream()
              .collect(Collectors.toMap(ContainerStatus::type, c -> c, (a, b) -> a));
    } catch (RuntimeException e) {
      return new Verdict(
          false, false, "", "cannot list the session's containers: " + e.getMessage());
    }
    for (SessionContainer c : declared.auto()) {
      ContainerStatus status = seen.get(c.type());
      if (status == null || status.phase() == ContainerStatus.Phase.MISSING) {
        return new Verdict(false, false, c.type(), "container '" + c.type() + "' is not made yet");
      }
      switch (status.phase()) {
        case EXITED -> {
          // A step that did its work and ended with code 0 is done, not failed; one with a probe
          // was meant to stay up and answer it, unless another waits for it to be done.
          boolean step = c.probe().isEmpty() || declared.awaitedDone(c.type());
          boolean done = step && status.exitCode().orElse(-1) == 0;
          if (done) {
            continue;
          }
          return new Verdict(
              false, true, c.type(), "container '" + c.type() + "' " + status.detail());
        }
        case STOPPED -> {
          return new Verdict(false, false, c.type(), "container '" + c.type() + "' is not running");
        }
        case RUNNING, MISSING -> {}
      }
      if (c.probe().isPresent()) {
        Optional<String> error =
            probes.attempt(
                runtime,
                session,
                c.type(),
                c.probe().get(),
                status.probeAddresses(),
                ATTEMPT_TIMEOUT);
        if (error.isPresent()) {
          return new Verdict(
              false, false, c.type(), "container '" + c.type() + "': " + error.get());
        }
      }
    }
    return Verdict.READY;
  }
}
