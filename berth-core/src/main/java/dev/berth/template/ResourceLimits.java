package dev.berth.template;

/**
 * Per-session limits. Zero means "no limit" for each field.
 *
 * @param cpus CPU cores (fractions allowed)
 * @param memoryBytes memory limit in bytes
 * @param pids maximum number of processes
 */
public record ResourceLimits(double cpus, long memoryBytes, int pids) {
  public static final ResourceLimits NONE = new ResourceLimits(0, 0, 0);

  /** This record's values where set, else {@code fallback}'s. */
  public ResourceLimits orElse(ResourceLimits fallback) {
    return new ResourceLimits(
        cpus > 0 ? cpus : fallback.cpus,
        memoryBytes > 0 ? memoryBytes : fallback.memoryBytes,
        pids > 0 ? pids : fallback.pids);
  }
}
