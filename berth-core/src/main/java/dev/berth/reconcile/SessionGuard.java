package dev.berth.reconcile;

import dev.berth.base.SessionId;
import dev.berth.runtime.CleanupReport;
import java.util.function.Supplier;

/** Runs a cleanup step while holding a session's lifecycle lock (see SessionService). */
@FunctionalInterface
public interface SessionGuard {
  CleanupReport exclusive(SessionId id, Supplier<CleanupReport> work);
}
