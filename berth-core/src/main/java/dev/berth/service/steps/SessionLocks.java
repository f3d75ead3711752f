package dev.berth.service.steps;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Per-session serialization. Lifecycle operations (create, start, stop, delete) take a session's
 * write lock, so two of them never interleave; file calls take its read lock, so they run side by
 * side but never during a lifecycle change. An exec takes the read lock only to be let in and
 * recorded ({@link RunningExecs}) and runs without it: lifecycle operations end execs rather than
 * wait for them. Different sessions never wait for each other.
 */
public final class SessionLocks {
  // Long enough for a slow create (image start + probe); a waiter past it gets a clear 409.
  private static final long WAIT_SECONDS = 300;
  private final ConcurrentHashMap<SessionId, ReentrantReadWriteLock> locks =
      new ConcurrentHashMap<>();

  private ReentrantReadWriteLock lockFor(SessionId id) {
    return locks.computeIfAbsent(id, k -> new ReentrantReadWriteLock(true));
  }

  public <T> T exclusive(SessionId id, Supplier<T> work) {
    return with(lockFor(id).writeLock(), id, work);
  }

  public <T> T shared(SessionId id, Supplier<T> work) {
    return with(lockFor(id).readLock(), id, work);
  }

  /** How many threads wait for the session right now (diagnostics and tests). */
  public int queuedOn(SessionId id) {
    return lockFor(id).getQueueLength();
  }

  /**
   * Runs {@code work} under the write lock if it is free now and nobody waits for it; empty when
   * the session is busy.
   */
  public <T> Optional<T> tryExclusive(SessionId id, Supplier<T> work) {
    return tryWith(lockFor(id).writeLock(), Duration.ZERO, work);
  }

  /**
   * Runs {@code work} under the read lock once no lifecycle change holds the session, waiting at
   * most {@code wait} for that; empty when the session stayed busy.
   */
  public <T> Optional<T> tryShared(SessionId id, Duration wait, Supplier<T> work) {
    return tryWith(lockFor(id).readLock(), wait, work);
  }

  private static <T> Optional<T> tryWith(Lock lock, Duration wait, Supplier<T> work) {
    // Not tryLock(), which barges past queued waiters: the reconciler and the health checker must
    // yield to a user's operation already waiting for the session, never starve it.
    try {
      if (!lock.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
        return Optional.empty();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    try {
      return Optional.of(work.get());
    } finally {
      lock.unlock();
    }
  }

  private static <T> T with(Lock lock, SessionId id, Supplier<T> work) {
    try {
      if (!lock.tryLock(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw BerthException.conflict(
            "session '" + id + "' is busy with another operation for over " + WAIT_SECONDS + "s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BerthException(ErrorCode.INTERNAL, "interrupted while waiting for session " + id);
    }
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }
}
