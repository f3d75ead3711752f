package dev.berth.runtime.docker;

import dev.berth.template.ResourceLimits;

/**
 * A template's {@code pids} limit counts the session's processes; the engine's pids limit (a
 * cgroup) counts host tasks. With runc they are the same; with gVisor they are not: the cgroup
 * holds gVisor's own sandbox (its kernel and file proxy, about 55 host tasks at rest here) and, on
 * the ptrace platform Debian's runsc uses, 7-8 host tasks for each process in the sandbox (measured
 * on these machines: 20 processes 210 tasks, 60 processes 550). The template's {@code pids: 50}
 * given as it is would not even let the sandbox boot (it exits with code 2), so Berth gives the
 * engine {@value #BASE} + {@value #PER_PROCESS} per process: about as many processes as the
 * template allows. Going over it ends the whole sandbox (the session's app exits and the reconciler
 * treats it as a crash) rather than failing one fork; either way a fork bomb stays inside its
 * session.
 */
final class GvisorLimits {
  /** Host tasks of gVisor's sandbox itself, with headroom over the ~55 measured. */
  static final int BASE = 64;

  /** Host tasks per process inside the sandbox on the ptrace platform, rounded up. */
  static final int PER_PROCESS = 8;

  private GvisorLimits() {}

  /** The limits the engine gets for a gVisor session whose template asks for {@code limits}. */
  static ResourceLimits onTheHost(ResourceLimits limits) {
    if (limits.pids() <= 0) {
      return limits; // no limit asked for: none given
    }
    long hostTasks = BASE + (long) PER_PROCESS * limits.pids();
    return new ResourceLimits(
        limits.cpus(), limits.memoryBytes(), (int) Math.min(Integer.MAX_VALUE, hostTasks));
  }
}
