package dev.berth.service.files;

import dev.berth.base.SessionId;
import dev.berth.runtime.WorkspacePath;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serializes Berth's own changes of one file (a check of its version and the write after it, an
 * edit's read-modify-write) without a lock object per file: 64 stripes, hashed by session and path.
 * One instance is shared by every edge's view of the workspace, so a REST write and an MCP edit of
 * one file never interleave. It guards against Berth's writers in this manager only: a process
 * inside the session, or another manager replica, can still write between the check and the write.
 */
public final class PathLocks {
  private final ReentrantLock[] stripes = new ReentrantLock[64];

  public PathLocks() {
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** Runs {@code work} holding the stripe of {@code path} in session {@code id}. */
  public <T> T with(SessionId id, WorkspacePath path, Supplier<T> work) {
    ReentrantLock stripe =
        stripes[Math.floorMod((id.value() + "/" + path.value()).hashCode(), stripes.length)];
    stripe.lock();
    try {
      return work.get();
    } finally {
      stripe.unlock();
    }
  }
}
