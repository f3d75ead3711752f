package dev.berth.service.changes;

import dev.berth.runtime.WorkspaceChange;
import dev.berth.runtime.WorkspacePath;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One session's change feed while someone watches it: the last {@value #KEEP} changes, with cursors
 * that grow by one per change. Cursors start at the feed's creation time in microseconds, so a
 * cursor from an earlier feed of the session is always older than this one's first change and is
 * answered with {@code gap}, never with somebody else's changes.
 *
 * <p>Attribution: Berth marks a path before it writes it and again when the write is done; a change
 * the watcher sees at a path Berth wrote since the watcher's last look (or is writing now) is that
 * write's echo, already in the feed as {@code api} or {@code mcp}, and is dropped. A process that
 * changes the same path in that window is folded into Berth's change.
 */
final class ChangeFeed {
  static final int KEEP = 10_000;
  private static final Duration MARKS_KEPT = Duration.ofMinutes(1);

  private final Clock clock;
  private final long first;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition grew = lock.newCondition();
  private final ArrayDeque<Change> log = new ArrayDeque<>();
  private final Map<WorkspacePath, Mark> marks = new HashMap<>();
  private long next;
  private int waiters;
  private Instant lastUse;
  private String watching = "none: starting";
  private Optional<String> ended = Optional.empty();
  private AutoCloseable watcher = () -> {};

  private static final class Mark {
    Instant last;
    int inFlight;
  }

  ChangeFeed(Clock clock) {
    this.clock = clock;
    Instant now = clock.instant();
    this.first = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    this.next = first;
    this.lastUse = now;
  }

  void watching(String how, AutoCloseable watcher) {
    lock.lock();
    try {
      this.watching = how;
      this.watcher = watcher;
    } finally {
      lock.unlock();
    }
  }

  void watching(String how) {
    lock.lock();
    try {
      this.watching = how;
    } finally {
      lock.unlock();
    }
  }

  /** Berth begins to change {@code path} (see the class comment). */
  void berthBegin(WorkspacePath path) {
    lock.lock();
    try {
      Mark m = marks.computeIfAbsent(path, p -> new Mark());
      m.inFlight++;
      m.last = clock.instant();
    } finally {
      lock.unlock();
    }
  }

  /** Berth's change of {@code path} is over; {@code by} made it, and it is in the feed if done. */
  void berthEnd(WorkspacePath path, boolean done, String kind, String by) {
    lock.lock();
    try {
      Mark m = marks.computeIfAbsent(path, p -> new Mark());
      m.inFlight = Math.max(0, m.inFlight - 1);
      m.last = clock.instant();
      if (done) {
        append(path.value(), kind, by);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Changes a watcher saw, all of them made after {@code since}. */
  void observed(List<WorkspaceChange> changes, Instant since) {
    lock.lock();
    try {
      forgetOldMarks();
      for (WorkspaceChange c : changes) {
        if (c.path().isRoot()) {
          append("", Change.OVERFLOW, Change.SESSION);
        } else if (!isBerthTemp(c.path()) && !berthWrote(c.path(), since)) {
          append(c.path().value(), c.deleted() ? Change.DELETED : Change.CHANGED, Change.SESSION);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** A backend's temporary file of an atomic write (the local backend's .berth-*.tmp). */
  private static boolean isBerthTemp(WorkspacePath p) {
    String name = p.value().substring(p.value().lastIndexOf('/') + 1);
    return name.startsWith(".berth-") && name.endsWith(".tmp");
  }

  private boolean berthWrote(WorkspacePath path, Instant since) {
    for (var e : marks.entrySet()) {
      WorkspacePath marked = e.getKey();
      boolean covers =
          marked.isRoot() || marked.equals(path) || path.value().startsWith(marked.value() + "/");
      if (covers && (e.getValue().inFlight > 0 || !e.getValue().last.isBefore(since))) {
        return true;
      }
    }
    return false;
  }

  private void forgetOldMarks() {
    Instant old = clock.instant().minus(MARKS_KEPT);
    marks.values().removeIf(m -> m.inFlight == 0 && m.last.isBefore(old));
  }

  private void append(String path, String kind, String by) {
    log.addLast(new Change(next++, path, kind, by, clock.instant()));
    if (log.size() > KEEP) {
      log.removeFirst();
    }
    grew.signalAll();
  }

  /** The feed ends (its session is gone): waiting readers return at once. */
  void end(String why) {
    AutoCloseable w;
    lock.lock();
    try {
      if (ended.isPresent()) {
        return;
      }
      ended = Optional.of(why);
      w = watcher;
      grew.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      w.close();
    } catch (Exception ignored) {
      // a watcher that fails to close has nothing left to report to
    }
  }

  boolean isEnded() {
    lock.lock();
    try {
      return ended.isPresent();
    } finally {
      lock.unlock();
    }
  }

  /** Nobody reads and nobody has for {@code idle}. */
  boolean idleFor(Duration idle) {
    lock.lock();
    try {
      return waiters == 0 && lastUse.plus(idle).isBefore(clock.instant());
    } finally {
      lock.unlock();
    }
  }

  /**
   * The changes after {@code cursor} (none and the latest cursor when it is negative: "from now"),
   * waiting up to {@code wait} for the first one when there is none yet.
   */
  ChangePage read(long cursor, int limit, Duration wait) throws InterruptedException {
    lock.lock();
    try {
      lastUse = clock.instant();
      long latest = next - 1;
      if (cursor < 0) {
        return page(List.of(), latest, false, false);
      }
      long oldest = log.isEmpty() ? next : log.peekFirst().cursor();
      boolean gap = cursor < oldest - 1 || cursor > latest;
      long after = gap ? oldest - 1 : cursor;
      long deadline = System.nanoTime() + wait.toNanos();
      waiters++;
      try {
        while (next - 1 <= after && ended.isEmpty()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          grew.await(left, TimeUnit.NANOSECONDS);
        }
      } finally {
        waiters--;
        lastUse = clock.instant();
      }
      List<Change> out = new ArrayList<>();
      boolean more = false;
      for (Iterator<Change> it = log.iterator(); it.hasNext(); ) {
        Change c = it.next();
        if (c.cursor() <= after) {
          continue;
        }
        if (out.size() == limit) {
          more = true;
          break;
        }
        out.add(c);
      }
      long last = out.isEmpty() ? Math.max(after, next - 1) : out.getLast().cursor();
      return page(out, last, gap, more);
    } finally {
      lock.unlock();
    }
  }

  private ChangePage page(List<Change> changes, long cursor, boolean gap, boolean more) {
    return new ChangePage(List.copyOf(changes), cursor, gap, more, watching, ended);
  }
}
