package dev.berth.runtime.kubernetes;

import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessSpec;
import dev.berth.runtime.ProcessStream;
import dev.berth.runtime.StartedProcess;
import dev.berth.runtime.StdinMode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.Execable;
import io.fabric8.kubernetes.client.dsl.TtyExecErrorable;
import io.fabric8.kubernetes.client.dsl.TtyExecOutputErrorable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;

/**
 * Starts processes with handles ({@link PodProcess}) in a pod's container through the API server's
 * exec endpoint, and signals or kills them by a second exec.
 *
 * <p>The exec API has no call to signal or kill an exec, and a process's children may leave its
 * process group (or never be in one of their own: an exec without a terminal is no group leader).
 * So every process gets a marker in its environment, {@value #MARKER}{@code =<random id>}, which
 * everything it starts inherits; a signal is a second exec that sends it to every process whose
 * environment holds the marker (read from {@code /proc/<pid>/environ}, so the scanning shell, which
 * has only the id on its command line, never matches). A process that clears its environment
 * escapes this, as it would escape Docker's and the local backend's marker scan.
 *
 * <p>A one-line prelude sets the working directory and environment (the endpoint has no parameters
 * for them) and, in a terminal, its size with {@code stty} before the command runs: the endpoint
 * has no size parameter either, and the resize the client sends right after the exec races the
 * command's start. Without a terminal, {@link StdinMode.Bytes} are read through {@code head -c N},
 * since {@code v4.channel.k8s.io} cannot end stdin (see {@link PodProcess#closeStdin}). The image
 * must have {@code /bin/sh}, {@code head}, {@code tr}, {@code kill} and, for a terminal, {@code
 * stty} (busybox or coreutils).
 */
final class PodProcesses {
  static final String MARKER = "BERTH_PROCESS";
  private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);

  /** Defines {@code s SIG ID}: sends SIG to each marked process; {@code hit=1} if there was one. */
  private static final String SCAN =
      "nl='\n'; s() { hit=0; for d in /proc/[0-9]*; do"
          + " case \"$nl$(tr '\\0' '\\n' < \"$d/environ\" 2>/dev/null)$nl\" in"
          + " *\"${nl}"
          + MARKER
          + "=$2${nl}\"*) kill -\"$1\" \"${d#/proc/}\" 2>/dev/null && hit=1;;"
          + " esac; done; }; ";

  private final KubernetesClient client;
  private final PodExec exec;

  PodProcesses(KubernetesClient client, PodExec exec) {
    this.client = client;
    this.exec = exec;
  }

  /** Starts {@code spec} in {@code target}; {@code cwd} is the absolute, confined directory. */
  StartedProcess start(PodFiles.Target target, String cwd, ProcessSpec spec, ProcessSink sink) {
    String marker = "k8s-" + UUID.randomUUID();
    boolean tty = spec.tty().isPresent();
    // head -c N for known bytes without a terminal; -1: stdin is the exec's own (open, or a tty)
    int stdinBytes =
        switch (spec.stdin()) {
          case StdinMode.None n -> tty ? -1 : 0;
          case StdinMode.Bytes b -> tty ? -1 : b.data().length;
          case StdinMode.Open o -> -1;
        };
    var env = new HashMap<>(spec.env());
    env.put(MARKER, marker);
    String size =
        spec.tty()
            .map(t -> "stty cols " + t.columns() + " rows " + t.rows() + " 2>/dev/null; ")
            .orElse("");
    String prelude =
        "cd \"$1\" || exit 126; n=$2; shift 2; "
            + PodExec.exports(env)
            + size
            + "if [ \"$n\" -gt 0 ]; then head -c \"$n\" | \"$@\";"
            + " elif [ \"$n\" -eq 0 ]; then exec \"$@\" </dev/null; else exec \"$@\"; fi";
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", prelude, "berth-process", cwd));
    command.add(Integer.toString(stdinBytes));
    command.addAll(spec.argv());

    var out = new SinkOutput(sink, ProcessStream.STDOUT);
    var err = new SinkOutput(sink, ProcessStream.STDERR);
    var container =
        client
            .pods()
            .inNamespace(target.namespace())
            .withName(target.pod())
            .inContainer(target.container());
    boolean input = stdinBytes != 0;
    TtyExecOutputErrorable in = input ? container.redirectingInput() : container;
    TtyExecErrorable withOut = in.writingOutput(out);
    // With a terminal the kubelet drops stderr: everything arrives on stdout.
    Execable execable = tty ? withOut.withTTY() : withOut.writingError(err);
    ExecWatch watch;
    try {
      watch = execable.exec(command.toArray(String[]::new));
    } catch (RuntimeException e) {
      throw KubeFailures.failure("start '" + spec.argv().get(0) + "' in pod " + target.pod(), e);
    }
    var process = new PodProcess(this, target, marker, watch, spec, out, err);
    process.begin();
    return process;
  }

  /** Sends signal {@code number} to every process of {@code marker}; false if none was found. */
  boolean signal(PodFiles.Target target, String marker, int number) {
    PodExec.Raw r =
        shell(target, SCAN + "s \"$1\" \"$2\"; [ \"$hit\" = 1 ]", number, marker, SIGNAL_TIMEOUT);
    return r.exitCode() == 0;
  }

  /** What a {@link #killAll} found. */
  enum Kill {
    /** Processes of the marker were there, and none is left. */
    KILLED,
    /** No process carries the marker (not yet started, or all ended already). */
    NONE_FOUND,
    /** Some were still there at the end (or the kill's own exec did not finish). */
    OUTLIVED
  }

  /**
   * Kills every process of {@code marker} and returns once none is left (again as long as one is
   * found, for children forked meanwhile). Each round stops them all before it kills them: killed
   * one by one in the order of {@code /proc}, a shell could see its child die and run on (its next
   * command) before its own KILL came.
   */
  Kill killAll(PodFiles.Target target, String marker) {
    String line =
        SCAN
            + "i=0; found=0; while s STOP \"$2\"; [ \"$hit\" = 1 ]; do found=1; s KILL \"$2\";"
            + " i=$((i+1)); [ \"$i\" -ge 200 ] && exit 1; sleep 0.05; done;"
            + " [ \"$found\" = 1 ] || exit 3";
    return switch (shell(target, line, 9, marker, KILL_TIMEOUT).exitCode()) {
      case 0 -> Kill.KILLED;
      case 3 -> Kill.NONE_FOUND;
      default -> Kill.OUTLIVED;
    };
  }

  private PodExec.Raw shell(
      PodFiles.Target target, String line, int signal, String marker, Duration timeout) {
    return exec.raw(
        target.namespace(),
        target.pod(),
        target.container(),
        List.of("/bin/sh", "-c", line, "berth-signal", Integer.toString(signal), marker),
        new byte[0],
        timeout,
        4096);
  }
}
