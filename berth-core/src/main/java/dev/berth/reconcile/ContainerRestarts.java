package dev.berth.reconcile;

import dev.berth.base.SessionId;
import dev.berth.runtime.ContainerStatus;
import dev.berth.template.RestartPolicy;
import dev.berth.template.SessionContainer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a RUNNING session's extra container (one of its template's {@code containers:}) ended
 * without Berth stopping it, or is gone without Berth removing it ({@link ContainerStatus#lost}:
 * someone ran {@code docker rm -f}), that container alone is started again (made again when gone),
 * per the template's restart policy (the same backoff, limit and exit-code rule as the main app's;
 * a lost one has no exit code, as a lost app has none), while the main container and the others
 * keep running. Past the limit the session goes FAILED, naming the container. While one is down the
 * session stays RUNNING and its status reason names it ({@link Verdict.Down}).
 *
 * <p>The judgement is a function of the containers' phases, the policy, the clock and the counts
 * kept here. Counts are in memory, per session and container type, like the health monitor's: after
 * a manager restart they start at 0. A container that has run for {@link RestartPolicy#RESET_AFTER}
 * since its last restart starts a new count.
 */
final class ContainerRestarts {
  /** What to do about one session's extra containers now. */
  sealed interface Verdict {
    /** Start {@code type} again now. */
    record Restart(String type, String why) implements Verdict {}

    /** The session cannot go on: it goes FAILED for good with {@code reason}. */
    record GiveUp(String reason) implements Verdict {}

    /**
     * {@code type} is down and the session runs without it: it waits out its backoff, or the policy
     * does not restart it. {@code why} names it, for the session's status reason.
     */
    record Down(String type, String why) implements Verdict {}
  }

  /** Restarts done in a row, when the next one is due (null: none pending), the last one's time. */
  private record Count(int restarts, Instant due, Instant lastRestart) {}

  private final Map<SessionId, Map<String, Count>> counts = new ConcurrentHashMap<>();

  /**
   * @param containers what the runtime lists, the main one included (it is the session's own
   *     reconcile that judges the main one)
   */
  List<Verdict> judge(
      SessionId id, RestartPolicy policy, List<ContainerStatus> containers, Instant now) {
    Map<String, Count> mine = counts.computeIfAbsent(id, k -> new ConcurrentHashMap<>());
    List<Verdict> out = new ArrayList<>();
    for (ContainerStatus c : containers) {
      if (SessionContainer.MAIN.equals(c.type())) {
        continue;
      }
      Count count = mine.get(c.type());
      if (c.phase() == ContainerStatus.Phase.RUNNING) {
        if (count != null
            && count.due() == null
            && !now.isBefore(count.lastRestart().plus(RestartPolicy.RESET_AFTER))) {
          mine.remove(c.type());
        }
        continue;
      }
      boolean down = c.phase() == ContainerStatus.Phase.EXITED || c.lost();
      if (!down) {
        continue; // stopped on purpose, or never made (a manual one not asked for yet)
      }
      String what = "container '" + c.type() + "' " + c.detail();
      if (!policy.restarts(c.exitCode())) {
        if (c.exitCode().orElse(-1) != 0) { // a step that finished its work is not down
          out.add(
              new Verdict.Down(
                  c.type(),
                  what + " (restart policy " + policy.mode().yamlName() + ": not restarted)"));
        }
        continue;
      }
      int done = count == null ? 0 : count.restarts();
      if (done >= policy.limit()) {
        out.add(
            new Verdict.GiveUp(
                what
                    + (policy.limit() == 0
                        ? " (restart limit 0: not restarted)"
                        : " (gave up after " + done + " restart" + (done == 1 ? "" : "s") + ")")));
        continue;
      }
      if (count == null || count.due() == null) {
        count =
            new Count(
                done,
                now.plus(policy.delay(done)),
                count == null ? Instant.EPOCH : count.lastRestart());
        mine.put(c.type(), count);
      }
      if (!now.isBefore(count.due())) {
        mine.put(c.type(), new Count(done + 1, null, now));
        out.add(
            new Verdict.Restart(
                c.type(), what + "; restart " + (done + 1) + " of " + policy.limit()));
        continue;
      }
      // The delay as first judged and the time it is due: the same words at every pass until the
      // restart, so the reason (and its status event) changes only when something happens.
      out.add(
          new Verdict.Down(
              c.type(),
              what
                  + "; restart "
                  + (done + 1)
                  + " of "
                  + policy.limit()
                  + " in "
                  + Durations.words(policy.delay(done))
                  + " (at "
                  + count.due()
                  + ")"));
    }
    return out;
  }

  /** When the next restart of one of the session's containers is due, if one is pending. */
  java.util.Optional<Instant> nextDue(SessionId id) {
    return counts.getOrDefault(id, Map.of()).values().stream()
        .map(Count::due)
        .filter(java.util.Objects::nonNull)
        .min(Instant::compareTo);
  }

  /** Starts the session's counts over (it was restarted, stopped, failed or deleted as a whole). */
  void forget(SessionId id) {
    counts.remove(id);
  }
}
