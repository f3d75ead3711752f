package dev.berth.template;

import java.time.Duration;

/**
 * How long a template's sessions live and what the reconciler does about it: culling after idle
 * time or at the maximum lifetime, and restarting an app that exited or turned unhealthy. Read from
 * {@code idleTimeout}, {@code maxLifetime}, {@code cullAction} and {@code restart} by {@link
 * LifetimeParser}.
 *
 * @param idleTimeout how long a session may go without activity (zero: forever)
 * @param maxLifetime how long a session may live (zero: forever)
 * @param cullAction what happens at the idle timeout or the max lifetime: stop or delete
 * @param restart what the reconciler does when a running session's app exits or turns unhealthy
 */
public record LifetimeSettings(
    Duration idleTimeout, Duration maxLifetime, CullAction cullAction, RestartPolicy restart) {

  /** Live forever, stop when culled, the default restart policy. */
  public static final LifetimeSettings DEFAULT =
      new LifetimeSettings(Duration.ZERO, Duration.ZERO, CullAction.STOP, RestartPolicy.DEFAULT);

  public LifetimeSettings withIdleTimeout(Duration newIdleTimeout) {
    return new LifetimeSettings(newIdleTimeout, maxLifetime, cullAction, restart);
  }

  public LifetimeSettings withMaxLifetime(Duration newMaxLifetime) {
    return new LifetimeSettings(idleTimeout, newMaxLifetime, cullAction, restart);
  }

  public LifetimeSettings withCullAction(CullAction newCullAction) {
    return new LifetimeSettings(idleTimeout, maxLifetime, newCullAction, restart);
  }

  public LifetimeSettings withRestart(RestartPolicy newRestart) {
    return new LifetimeSettings(idleTimeout, maxLifetime, cullAction, newRestart);
  }
}
