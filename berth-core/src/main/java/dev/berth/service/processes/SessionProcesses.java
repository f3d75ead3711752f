package dev.berth.service.processes;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.ProcessSpec;
import dev.berth.runtime.WorkspaceAccess;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes Berth started in each session with handles, so a client can list them, attach to
 * one again by its id and read what it missed, and so a stop or delete ends them all. Kept in
 * memory only: a manager restart forgets them (the processes of a container backend run on
 * unattached; a local one gets its terminal's hang-up).
 *
 * <p>An ended process stays listed, with its exit code, for {@link #KEEP_ENDED} (at most {@link
 * #MAX_ENDED} per session), so a client that comes back after its end still learns how it ended.
 */
public final class SessionProcesses {
  private static final Logger log = LoggerFactory.getLogger(SessionProcesses.class);

  /** Live processes one session may have at once; one more is refused (429). */
  public static final int MAX_LIVE = 64;

  /** Output kept per process for a client that comes back. */
  public static final int OUTPUT_BYTES = 1 << 20;

  public static final Duration KEEP_ENDED = Duration.ofMinutes(10);
  public static final int MAX_ENDED = 32;

  private final Clock clock;
  private final Map<SessionId, Map<String, LiveProcess>> bySession = new ConcurrentHashMap<>();
  private final Map<SessionId, AtomicLong> counters = new ConcurrentHashMap<>();
  private final Map<SessionId, Integer> starting = new ConcurrentHashMap<>();

  public SessionProcesses(Clock clock) {
    this.clock = clock;
  }

  /**
   * Starts {@code spec} in the session through {@code workspace}. A background process never waits
   * for its readers (its oldest output is dropped when they fall behind); a foreground one waits
   * for the readers attached to it.
   */
  public LiveProcess start(
      SessionId session, WorkspaceAccess workspace, ProcessSpec spec, boolean background) {
    String id = reserve(session);
    var output =
        new OutputLog(
            OUTPUT_BYTES,
            background ? OutputLog.Backpressure.DROP_OLDEST : OutputLog.Backpressure.BLOCK);
    LiveProcess process;
    try {
      var handle = workspace.start(spec, output);
      process =
          new LiveProcess(
              session, id, spec.argv(), spec.tty(), background, clock.instant(), handle, output);
      synchronized (this) {
        bySession.computeIfAbsent(session, k -> new ConcurrentHashMap<>()).put(id, process);
      }
      handle
          .exit()
          .whenComplete(
              (code, failure) -> {
                process.markEnded(clock.instant());
                output.finish();
              });
    } finally {
      synchronized (this) {
        starting.merge(session, -1, Integer::sum);
        starting.remove(session, 0);
      }
    }
    return process;
  }

  /** Counts a start in (refused past {@link #MAX_LIVE}) and gives it its id. */
  private synchronized String reserve(SessionId session) {
    Map<String, LiveProcess> mine = bySession.get(session);
    if (mine != null) {
      forgetOld(session, mine);
    }
    long live =
        starting.getOrDefault(session, 0)
            + (mine == null ? 0 : mine.values().stream().filter(LiveProcess::running).count());
    if (live >= MAX_LIVE) {
      throw new BerthException(
          ErrorCode.TOO_MANY_REQUESTS,
          "session '"
              + session.value()
              + "' already runs "
              + MAX_LIVE
              + " processes, the most it may: end one first (kill it, or close its stdin)");
    }
    starting.merge(session, 1, Integer::sum);
    return "p" + counters.computeIfAbsent(session, k -> new AtomicLong()).incrementAndGet();
  }

  /** The session's processes, running and recently ended, oldest first. */
  public synchronized List<LiveProcess> list(SessionId session) {
    Map<String, LiveProcess> mine = bySession.get(session);
    if (mine == null) {
      return List.of();
    }
    forgetOld(session, mine);
    List<LiveProcess> all = new ArrayList<>(mine.values());
    all.sort(Comparator.comparing(LiveProcess::started).thenComparing(LiveProcess::id));
    return all;
  }

  /** One process of the session; {@code NOT_FOUND} naming both when there is none by that id. */
  public LiveProcess get(SessionId session, String id) {
    Map<String, LiveProcess> mine = bySession.get(session);
    LiveProcess p = mine == null ? null : mine.get(id);
    if (p == null) {
      throw BerthException.notFound(
          "session '"
              + session.value()
              + "' has no process '"
              + id
              + "' (it may have ended more than "
              + KEEP_ENDED.toMinutes()
              + " minutes ago; list them with GET .../processes)");
    }
    return p;
  }

  /**
   * Kills every process still running in the session, each one's clients told {@code why}; the
   * caller holds the session's lifecycle lock, so none starts meanwhile. Returns how many.
   */
  public int endAll(SessionId session, String why) {
    Map<String, LiveProcess> mine = bySession.get(session);
    if (mine == null) {
      return 0;
    }
    int ended = 0;
    for (LiveProcess p : List.copyOf(mine.values())) {
      if (p.running()) {
        p.kill(why);
        ended++;
      }
    }
    if (ended > 0) {
      log.info("session {}: ended {} process(es): {}", session.value(), ended, why);
    }
    return ended;
  }

  private void forgetOld(SessionId session, Map<String, LiveProcess> mine) {
    var cutoff = clock.instant().minus(KEEP_ENDED);
    List<LiveProcess> ended = new ArrayList<>();
    for (LiveProcess p : mine.values()) {
      var at = p.ended();
      if (at.isPresent() && at.get().isBefore(cutoff)) {
        mine.remove(p.id());
      } else if (at.isPresent()) {
        ended.add(p);
      }
    }
    ended.sort(Comparator.comparing(p -> p.ended().orElseThrow()));
    for (int i = 0; i < ended.size() - MAX_ENDED; i++) {
      mine.remove(ended.get(i).id());
    }
    if (mine.isEmpty() && !starting.containsKey(session)) { // a gone session's entry goes too
      bySession.remove(session, mine);
      counters.remove(session);
    }
  }
}
