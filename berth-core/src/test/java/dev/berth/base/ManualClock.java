package dev.berth.base;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when a test moves it: logic tests of time (timeouts, backoff, idle
 * culling, lifetimes) run in no real time and cannot race the wall clock. Its {@link #sleep} is the
 * {@link Pause} to hand to code that waits: it advances the clock instead of waiting.
 */
public final class ManualClock extends Clock {
  private final AtomicReference<Instant> now;

  public ManualClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** A clock at a fixed, round instant (easy to read in failure messages). */
  public static ManualClock atTheEpochOfTests() {
    return new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  }

  public void advance(Duration by) {
    now.updateAndGet(t -> t.plus(by));
  }

  /** A pause that passes {@code d} on this clock at once. */
  public void sleep(Duration d) {
    advance(d);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
