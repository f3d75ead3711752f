package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessSpec;
import dev.berth.runtime.StartedProcess;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The processes with handles each local session runs, by the session's handle, so that stopping or
 * destroying a session ends every one of them (their handles' exits complete). A session stopped
 * through this runtime starts none until it is started again, even when a caller still holds the
 * session as it was while it ran.
 */
final class LocalSessionProcesses {
  private final Map<String, Set<LocalStartedProcess>> live = new HashMap<>();
  private final Set<String> stopped = new HashSet<>();

  /** Starts one process of a running session; {@code CONFLICT} when the session does not run. */
  StartedProcess start(
      String handle,
      BooleanSupplier running,
      ProcessSpec spec,
      Path cwd,
      Map<String, String> env,
      ProcessSink sink) {
    synchronized (this) {
      if (stopped.contains(handle) || !running.getAsBoolean()) {
        throw new BerthException(
            ErrorCode.CONFLICT, "the session does not run; start it to start processes in it");
      }
    }
    String marker = UUID.randomUUID().toString();
    Map<String, String> withMarker = new HashMap<>(env);
    withMarker.put(LocalProcesses.EXEC_MARKER, marker);
    var holder = new LocalStartedProcess[1];
    Runnable onEnd = () -> forget(handle, holder);
    LocalStartedProcess p =
        spec.tty().isPresent()
            ? LocalTerminal.start(spec, spec.tty().get(), cwd, withMarker, marker, sink, onEnd)
            : LocalPipes.start(spec, cwd, withMarker, marker, sink, onEnd);
    boolean kept;
    synchronized (this) {
      holder[0] = p;
      kept = !stopped.contains(handle); // a stop that ran while it started
      if (kept && !p.exit().isDone()) {
        live.computeIfAbsent(handle, h -> new HashSet<>()).add(p);
      }
    }
    if (!kept) {
      p.kill();
      throw new BerthException(
          ErrorCode.CONFLICT, "the session was stopped while the process started");
    }
    return p;
  }

  /** {@code holder} is read under the lock: the process may end before its start returned. */
  private synchronized void forget(String handle, LocalStartedProcess[] holder) {
    Set<LocalStartedProcess> set = live.get(handle);
    if (set != null && holder[0] != null) {
      set.remove(holder[0]);
      if (set.isEmpty()) {
        live.remove(handle);
      }
    }
  }

  /** The session (re)started: it may start processes again. */
  synchronized void sessionStarted(String handle) {
    stopped.remove(handle);
  }

  /** The session was destroyed: nothing to remember of it (its workspace refuses starts). */
  synchronized void sessionGone(String handle) {
    stopped.remove(handle);
  }

  /** Refuses new processes of the session and kills those it runs; returns once they are gone. */
  void endAll(String handle) {
    List<LocalStartedProcess> ending;
    synchronized (this) {
      stopped.add(handle);
      Set<LocalStartedProcess> set = live.remove(handle);
      ending = set == null ? List.of() : List.copyOf(set);
    }
    ending.parallelStream().forEach(LocalStartedProcess::kill);
  }
}
