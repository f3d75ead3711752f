package dev.berth.template;

/**
 * A template's warm pool ({@code pool: {size: N}}): how many sessions of it Berth keeps prepared,
 * started and ready on the template's default backend, so that a create takes one at once instead
 * of making one. Not inherited: a parent's pool is the parent's own, or every template built on it
 * would keep a pool too.
 *
 * @param size members to keep ready; 0: no pool
 */
public record PoolSettings(int size) {
  /** The most members one template's pool may keep: each is a running session's worth of work. */
  public static final int MAX_SIZE = 100;

  public static final PoolSettings NONE = new PoolSettings(0);

  public PoolSettings {
    if (size < 0 || size > MAX_SIZE) {
      throw new IllegalArgumentException("pool size must be 0-" + MAX_SIZE + ", got " + size);
    }
  }

  public boolean enabled() {
    return size > 0;
  }
}
