package dev.berth.base;

import java.time.Duration;

/**
 * Waits for a while. Code that polls (readiness) waits through this, on the same clock it reads
 * deadlines from, so a test with a manual clock passes the time instead of sleeping through it.
 */
@FunctionalInterface
public interface Pause {
  /** The real one: the thread sleeps. */
  Pause SLEEP = d -> Thread.sleep(d);

  void sleep(Duration d) throws InterruptedException;
}
