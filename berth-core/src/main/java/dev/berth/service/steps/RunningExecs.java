package dev.berth.service.steps;

import dev.berth.base.SessionId;
import dev.berth.runtime.ExecCancellation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The execs running in each session right now, so that a lifecycle operation can end them instead
 * of waiting for them. An exec holds the session's lock only to check that it may run and to {@link
 * #begin} here; it runs without the lock. A stop, delete, restart, cull or migration takes the
 * session's lifecycle lock (so no new exec can begin) and then calls {@link #endAll}: every exec
 * still running is killed by its runtime, and its caller gets an error that says why.
 */
public final class RunningExecs {
  private static final Logger log = LoggerFactory.getLogger(RunningExecs.class);

  /**
   * How long {@link #endAll} waits for the killed execs to return. A kill takes milliseconds
   * locally and one engine call on Docker; a command the engine has not started yet is waited for
   * up to 10 s before it is killed (see the Docker backend), so this leaves room for that.
   */
  static final Duration END_WAIT = Duration.ofSeconds(15);

  private final ConcurrentHashMap<SessionId, Set<Running>> bySession = new ConcurrentHashMap<>();

  /** One exec in flight; closing it (when the runtime's call returned) takes it off the list. */
  public final class Running implements AutoCloseable {
    private final SessionId id;
    private final ExecCancellation cancellation = new ExecCancellation();
    private final CompletableFuture<Void> returned = new CompletableFuture<>();

    private Running(SessionId id) {
      this.id = id;
    }

    /** What the runtime is given with the request. */
    public ExecCancellation cancellation() {
      return cancellation;
    }

    @Override
    public void close() {
      bySession.computeIfPresent(
          id,
          (k, set) -> {
            set.remove(this);
            return set.isEmpty() ? null : set;
          });
      returned.complete(null);
    }
  }

  /** Records an exec about to run; the caller holds the session's lock (shared is enough). */
  public Running begin(SessionId id) {
    Running r = new Running(id);
    bySession.compute(
        id,
        (k, set) -> {
          Set<Running> s = set == null ? ConcurrentHashMap.newKeySet() : set;
          s.add(r);
          return s;
        });
    return r;
  }

  /** How many execs run in the session now. */
  public int count(SessionId id) {
    Set<Running> set = bySession.get(id);
    return set == null ? 0 : set.size();
  }

  /**
   * Ends every exec running in the session, each caller told {@code why} ("session 'a' is being
   * deleted"), and waits (at most {@link #END_WAIT} in all) until their runtimes have killed them
   * and returned. The caller holds the session's lifecycle lock, so none begins meanwhile. Returns
   * how many were ended.
   */
  public int endAll(SessionId id, String why) {
    Set<Running> set = bySession.get(id);
    if (set == null || set.isEmpty()) {
      return 0;
    }
    List<Running> ending = List.copyOf(set);
    ending.forEach(r -> r.cancellation.cancel(why));
    Instant deadline = Instant.now().plus(END_WAIT);
    for (Running r : ending) {
      long left = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
      try {
        r.returned.get(left, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        log.warn(
            "session {}: an exec ended ({}) has not returned after {}s; going on",
            id,
            why,
            END_WAIT.toSeconds());
        break;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException e) {
        // never completed exceptionally
      }
    }
    log.info("session {}: ended {} running exec(s): {}", id, ending.size(), why);
    return ending.size();
  }
}
