package dev.berth.runtime.docker;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What Berth saw, on the engine's event stream, of how each session container's runs ended: the
 * signals sent to it ({@code kill} events, which the engine emits for a stop, a kill and its own
 * shutdown) and its {@code die}. Why: an app that exits 0 on the SIGTERM of an engine restart or a
 * host reboot looks exactly like an app that quit on purpose; only the signal tells them apart, and
 * only the event stream shows the signal.
 *
 * <p>The rule ({@link #judge}): a run ended on its own only when (1) a watcher has followed the
 * event stream without a break since an instant C on the engine's clock, having asked for every
 * event since C; (2) the container finished at or after C; (3) the watcher saw this run's {@code
 * die}, so every event of the run before it was seen too; (4) no {@code kill} of this run (at or
 * after its start) was seen. A run that ended while Berth was down or while the stream was lost
 * finished before the current C: not known, never "on its own". Times are all the engine's (event
 * times, StartedAt, FinishedAt, C from the engine's {@code /info}), so the manager's clock plays no
 * part. Berth's own stop never comes here: it records the session stopped, which is not an exit.
 *
 * <p>Kept in memory, per container id, by the runtime; an entry goes when its container is
 * destroyed. Thread-safe: the event thread writes, inspections read.
 */
final class ContainerExits {
  /** How long an inspection waits for the die event of an exit it sees (normally ~0.1 s away). */
  static final Duration DIE_EVENT_WAIT = Duration.ofSeconds(2);

  /** Whether a run ended on its own, and if not, why Berth cannot say so (for the status). */
  record Verdict(boolean onItsOwn, String why) {
    static Verdict unknown(String why) {
      return new Verdict(false, why);
    }
  }

  private record Kill(Instant at, String signal) {}

  private final Map<String, Kill> kills = new HashMap<>();
  private final Map<String, Instant> dies = new HashMap<>();
  private final Map<Object, Instant> watchers = new IdentityHashMap<>();

  /** {@code watcher} follows the stream from now on, with every event since {@code since}. */
  synchronized void following(Object watcher, Instant since) {
    watchers.put(watcher, since);
    notifyAll();
  }

  /** {@code watcher}'s stream broke or was closed: events may be missed until it follows again. */
  synchronized void lost(Object watcher) {
    watchers.remove(watcher);
    notifyAll();
  }

  synchronized void killed(String container, Instant at, String signal) {
    kills.put(container, new Kill(at, signal));
  }

  synchronized void died(String container, Instant at) {
    dies.put(container, at);
    notifyAll();
  }

  synchronized void destroyed(String container) {
    kills.remove(container);
    dies.remove(container);
  }

  /**
   * Whether the run of {@code container} that started at {@code startedAt} and finished at {@code
   * finishedAt} (the engine's RFC 3339 times from an inspection) ended on its own; see the class
   * comment. Waits up to {@code dieWait} for the run's die event when the stream is followed but
   * has not delivered it yet.
   */
  synchronized Verdict judge(
      String container, String startedAt, String finishedAt, Duration dieWait) {
    Optional<Instant> started = parse(startedAt);
    Optional<Instant> finished = parse(finishedAt);
    if (started.isEmpty() || finished.isEmpty()) {
      return Verdict.unknown("; the engine did not say when it started and ended");
    }
    long deadline = System.nanoTime() + dieWait.toNanos();
    while (true) {
      Optional<Instant> since = watchers.values().stream().min(Instant::compareTo);
      if (since.isEmpty() || finished.get().isBefore(since.get())) {
        return Verdict.unknown(
            "; it ended while Berth was not following the engine's events (Berth or the engine"
                + " was down or restarting), so not known to have ended on its own");
      }
      Kill kill = kills.get(container);
      if (kill != null && !kill.at().isBefore(started.get())) {
        return Verdict.unknown(
            "; the engine sent it signal "
                + kill.signal()
                + " (a stop, a kill or the engine's own shutdown): it did not end on its own");
      }
      Instant died = dies.get(container);
      if (died != null && !died.isBefore(started.get())) {
        return new Verdict(true, "");
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Verdict.unknown(
            "; the engine's events did not confirm how it ended, so it is not known to have ended"
                + " on its own");
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Verdict.unknown("; interrupted while waiting for the engine's die event");
      }
    }
  }

  /** An engine time, or empty for none (Docker's zero time, year 1, counts as none). */
  static Optional<Instant> parse(String rfc3339) {
    if (rfc3339 == null || rfc3339.isBlank() || rfc3339.startsWith("0001-")) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(rfc3339).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** An engine event's time: its nanosecond stamp, else its second stamp. */
  static Instant eventTime(Long timeNano, Long time) {
    if (timeNano != null && timeNano > 0) {
      return Instant.ofEpochSecond(0, timeNano);
    }
    return Instant.ofEpochSecond(time == null ? 0 : time);
  }

  /** The engine's {@code since} parameter for an instant: seconds with nanoseconds. */
  static String since(Instant at) {
    return at.getEpochSecond() + "." + String.format("%09d", at.getNano());
  }
}
