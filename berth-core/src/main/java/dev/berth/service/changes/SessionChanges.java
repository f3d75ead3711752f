package dev.berth.service.changes;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.WorkspaceAccess;
import dev.berth.runtime.WorkspacePath;
import dev.berth.service.steps.SessionSteps;
import dev.berth.session.Session;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionListener;
import dev.berth.session.SessionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What changed in sessions' workspaces, and who changed it, for every edge (REST's {@code
 * .../changes} stream, MCP's {@code session_changes}). A session is watched from the first call
 * that asks for its changes until nobody has asked for {@link #IDLE} (or the session is deleted):
 * changes made while nobody watched are not reported, and a cursor from before is answered with
 * {@code gap}.
 *
 * <p>Changes through Berth (REST, MCP) are reported as they are made, attributed to their edge.
 * Changes by the session's processes come from the backend's native watcher where it has one (the
 * local backend: the JDK's {@code WatchService}, inotify on Linux, within about 0.1 s), else from
 * polling: a listing of the workspace by one command every {@link #POLL_EVERY} (Docker, and
 * Kubernetes where the pod's image has {@code find} and {@code stat}), so they appear within about
 * that plus the listing's own time; a running session is needed for it.
 */
public final class SessionChanges implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SessionChanges.class);

  /** How often a workspace without a native watcher is listed. */
  public static final Duration POLL_EVERY = Duration.ofSeconds(1);

  /** A feed nobody asks about for this long ends (and its watcher with it). */
  public static final Duration IDLE = Duration.ofMinutes(5);

  /** The most changes one call returns. */
  public static final int MAX_LIMIT = 1000;

  // How far before a native watcher's batch a Berth write counts as its cause: events arrive
  // within milliseconds of the write; a second covers a busy machine.
  private static final Duration NATIVE_SLACK = Duration.ofSeconds(1);

  private final SessionSteps steps;
  private final Map<SessionId, ChangeFeed> feeds = new ConcurrentHashMap<>();
  private final Thread reaper;
  private volatile boolean closed;

  public SessionChanges(SessionSteps steps) {
    this.steps = steps;
    this.reaper = Thread.ofVirtual().name("berth-changes-reaper").start(this::reap);
  }

  /**
   * The changes of session {@code id} after {@code cursor} (empty: none, only the cursor to start
   * from), at most {@code limit}, waiting up to {@code wait} for one when there is none yet. The
   * first call for a session starts watching it, and returns once the watcher is in place: every
   * change after it returns is reported.
   */
  public ChangePage changes(SessionId id, Optional<Long> cursor, int limit, Duration wait) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw BerthException.badRequest(
          "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    ChangeFeed feed = feed(id);
    try {
      return feed.read(cursor.orElse(-1L), limit, wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BerthException(ErrorCode.INTERNAL, "interrupted while waiting for changes");
    }
  }

  /** Berth is about to change {@code path} in session {@code id}. */
  public void berthBegin(SessionId id, WorkspacePath path) {
    ChangeFeed feed = feeds.get(id);
    if (feed != null) {
      feed.berthBegin(path);
    }
  }

  /**
   * Berth's change of {@code path} ended; when {@code done}, it goes in the feed as {@code by}'s.
   */
  public void berthEnd(SessionId id, WorkspacePath path, boolean done, String kind, String by) {
    ChangeFeed feed = feeds.get(id);
    if (feed != null) {
      feed.berthEnd(path, done, kind, by);
    }
  }

  /** Session {@code id} was deleted: its feed (if it has one) ends, and its readers return. */
  public void sessionDeleted(SessionId id) {
    ChangeFeed feed = feeds.remove(id);
    if (feed != null) {
      feed.end("session '" + id + "' was deleted");
    }
  }

  /** A listener that ends a session's feed when its delete is done. */
  public SessionListener endsFeedsOfDeletedSessions() {
    return new SessionListener() {
      @Override
      public void onDeleted(SessionCleanupReceipt receipt, Duration took) {
        sessionDeleted(receipt.sessionId());
      }
    };
  }

  private ChangeFeed feed(SessionId id) {
    ChangeFeed existing = feeds.get(id);
    if (existing != null && !existing.isEnded()) {
      return existing;
    }
    synchronized (feeds) {
      existing = feeds.get(id);
      if (existing != null && !existing.isEnded()) {
        return existing;
      }
      WorkspaceAccess ws = workspace(id);
      ChangeFeed feed = new ChangeFeed(steps.clock());
      feeds.put(id, feed);
      Optional<AutoCloseable> nativeWatch =
          ws.watch(changes -> feed.observed(changes, steps.now().minus(NATIVE_SLACK)));
      if (nativeWatch.isPresent()) {
        feed.watching("native", nativeWatch.get());
      } else {
        new Poller(id, feed).startWith(ws);
      }
      return feed;
    }
  }

  private WorkspaceAccess workspace(SessionId id) {
    return steps
        .locks()
        .shared(
            id,
            () -> {
              Session s = steps.require(id);
              if (s.status() == SessionStatus.PENDING) {
                throw BerthException.conflict("session '" + id + "' is still being created");
              }
              return steps.runtimeOf(s).workspace(steps.runtimeSession(s, steps.templateOf(s)));
            });
  }

  /** Lists a workspace every {@link #POLL_EVERY} and reports what differs from the last listing. */
  private final class Poller {
    private final SessionId id;
    private final ChangeFeed feed;
    private Map<String, String> last;
    private Instant lastStarted;
    private String currentWatching = "polling";
    private volatile boolean stopped;

    Poller(SessionId id, ChangeFeed feed) {
      this.id = id;
      this.feed = feed;
    }

    /** The first listing now (the baseline), the next ones on a thread of their own. */
    void startWith(WorkspaceAccess ws) {
      poll(ws);
      feed.watching(currentWatching, () -> stopped = true);
      Thread.ofVirtual().name("berth-changes-poll-" + id).start(this::loop);
    }

    private void loop() {
      while (!stopped && !closed && !feed.isEnded()) {
        try {
          // Polling is the mechanism here, not a wait for a condition: a backend without a
          // native watch (Docker's default image has no inotify tool, Kubernetes) has no event
          // to wait for, so the workspace is listed every POLL_EVERY (the documented latency).
          Thread.sleep(POLL_EVERY);
          poll(workspace(id));
        } catch (InterruptedException e) {
          return;
        } catch (BerthException e) {
          if (e.code() == ErrorCode.NOT_FOUND) {
            feed.end("session '" + id + "' was deleted");
            return;
          }
          log.debug("polling session {}'s workspace: {}", id, e.getMessage());
        } catch (RuntimeException e) {
          // The loop never dies of one bad poll; the next one tries again.
          log.debug("polling session {}'s workspace failed", id, e);
        }
      }
    }

    private void poll(WorkspaceAccess ws) {
      Instant started = steps.now();
      ExecResult r;
      try {
        r = ws.exec(WorkspaceListing.request());
      } catch (BerthException e) {
        if (e.code() == ErrorCode.NOT_FOUND) {
          throw e;
        }
        // Not running (a stopped container): nothing but Berth changes its files until it runs.
        watching("none: the session is not running (" + e.getMessage() + ")");
        return;
      }
      Optional<String> problem = WorkspaceListing.problem(r);
      if (problem.isPresent()) {
        watching("none: " + problem.get());
        last = null;
        return;
      }
      Map<String, String> now = WorkspaceListing.parse(r.stdout());
      if (last != null) {
        feed.observed(WorkspaceListing.diff(last, now), lastStarted);
      }
      watching("polling");
      last = now;
      lastStarted = started;
    }

    private void watching(String how) {
      currentWatching = how;
      feed.watching(how);
    }
  }

  private void reap() {
    while (!closed) {
      try {
        // A periodic sweep of idle feeds (a watcher that stopped asking sends no event), so
        // a sleep between sweeps; close() interrupts it.
        Thread.sleep(Duration.ofSeconds(30));
        for (var e : feeds.entrySet()) {
          ChangeFeed feed = e.getValue();
          if (feed.isEnded()) {
            feeds.remove(e.getKey(), feed);
          } else if (steps.find(e.getKey()).isEmpty()) {
            feed.end("session '" + e.getKey() + "' was deleted");
          } else if (feed.idleFor(IDLE)) {
            feed.end("nobody asked for changes for " + IDLE.toMinutes() + " minutes");
            feeds.remove(e.getKey(), feed);
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("ending idle change feeds failed; trying again", e);
      }
    }
  }

  /** Ends every feed and its watcher. */
  @Override
  public void close() {
    closed = true;
    reaper.interrupt();
    for (ChangeFeed feed : feeds.values()) {
      feed.end("Berth is shutting down");
    }
    feeds.clear();
  }
}
