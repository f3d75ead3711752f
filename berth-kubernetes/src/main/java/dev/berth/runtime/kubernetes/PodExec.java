package dev.berth.runtime.kubernetes;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.ExecCancellation;
import dev.berth.runtime.ExecResult;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command in a pod's container through the API server's exec endpoint (a WebSocket with
 * the {@code v4.channel.k8s.io} protocol), with bounded output and a timeout that kills.
 *
 * <p>Two things the v4 protocol cannot do shape this class. It has no end-of-file for standard
 * input (only v5 can half-close, and fabric8 7.8 speaks v4), so stdin bytes are counted and the
 * command reads exactly that many through {@code head -c}. And the API has no call to kill an exec,
 * so a one-line shell prelude reports its pid on the first line of stderr (stripped from the
 * result) before running the command; on timeout a second exec kills that process and its children.
 * The prelude also sets the working directory and environment, which the exec endpoint has no
 * parameters for. The image must therefore have {@code /bin/sh}, {@code head} and {@code kill}
 * (busybox or coreutils).
 */
final class PodExec {
  /** How long a timed-out command's kill waits for the pid line, which can come late. */
  private static final Duration PID_GRACE = Duration.ofSeconds(10);

  private final KubernetesClient client;

  PodExec(KubernetesClient client) {
    this.client = client;
  }

  /** The outcome before it is an {@link ExecResult}: the prelude's first stderr line is apart. */
  record Raw(int exitCode, Bounded stdout, Bounded stderr, String firstLine, boolean timedOut) {}

  /**
   * Runs {@code argv} as is (it must print nothing on stderr's first line that matters: callers
   * that want a pid use {@link #run}).
   */
  Raw raw(
      String namespace,
      String pod,
      String container,
      List<String> argv,
      byte[] stdin,
      Duration timeout,
      long maxOutput,
      boolean firstLineIsPid) {
    return raw(
        namespace,
        pod,
        container,
        argv,
        stdin,
        timeout,
        maxOutput,
        firstLineIsPid,
        ExecCancellation.none());
  }

  /** {@link #raw} that {@code cancellation} ends early, killed as on a timeout. */
  private Raw raw(
      String namespace,
      String pod,
      String inContainer,
      List<String> argv,
      byte[] stdin,
      Duration timeout,
      long maxOutput,
      boolean firstLineIsPid,
      ExecCancellation cancellation) {
    var out = new Bounded(maxOutput);
    var err = new FirstLine(new Bounded(maxOutput), firstLineIsPid);
    var container = client.pods().inNamespace(namespace).withName(pod).inContainer(inContainer);
    ExecWatch watch;
    try {
      if (stdin.length > 0) {
        watch =
            container
                .redirectingInput()
                .writingOutput(out)
                .writingError(err)
                .exec(argv.toArray(String[]::new));
        try {
          OutputStream in = watch.getInput();
          in.write(stdin);
          in.flush();
        } catch (IOException | RuntimeException e) {
          watch.close(); // or its WebSocket stays open until the pod goes
          throw e;
        }
      } else {
        watch = container.writingOutput(out).writingError(err).exec(argv.toArray(String[]::new));
      }
    } catch (IOException | RuntimeException e) {
      throw KubeFailures.failure("exec '" + argv.get(0) + "' in pod " + pod, e);
    }
    try (watch) {
      if (cancellation.await(watch.exitCode(), timeout)) {
        Integer code = watch.exitCode().get();
        return new Raw(code == null ? -1 : code, out, err.rest, err.line(), false);
      }
      // A short timeout can end before the command has reported its pid: wait for it (or the
      // command's end), or the command would outlive its timeout unkilled.
      long pid = err.awaitPid(PID_GRACE, watch.exitCode());
      if (pid > 0) {
        kill(namespace, pod, inContainer, pid);
      }
      return new Raw(-1, out, err.rest, err.line(), !cancellation.isCancelled());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE, "interrupted while running " + argv.get(0));
    } catch (ExecutionException e) {
      throw KubeFailures.failure(
          "exec '" + argv.get(0) + "' in pod " + pod, e.getCause() instanceof Exception c ? c : e);
    }
  }

  /** Kills {@code pid}'s process group, or else the process and its descendants. */
  private void kill(String namespace, String pod, String container, long pid) {
    String line =
        "k() { for c in $(pgrep -P \"$1\"); do k \"$c\"; done; kill -KILL \"$1\" 2>/dev/null; };"
            + " kill -KILL -- -"
            + pid
            + " 2>/dev/null || k "
            + pid;
    try {
      raw(
          namespace,
          pod,
          container,
          List.of("/bin/sh", "-c", line),
          new byte[0],
          Duration.ofSeconds(10),
          4096,
          false);
    } catch (RuntimeException e) {
      // the command may have ended meanwhile; the result says timedOut either way
    }
  }

  /**
   * Runs a user's command: {@code cwd} is an absolute directory already confined to the workspace,
   * {@code exports} a shell fragment of {@code export K='v';} lines built by {@link #exports}.
   */
  ExecResult run(
      String namespace,
      String pod,
      String container,
      List<String> argv,
      String cwd,
      String exports,
      byte[] stdin,
      Duration timeout,
      int maxOutput,
      ExecCancellation cancellation) {
    Instant started = Instant.now();
    String prelude =
        "echo $$ >&2; cd \"$1\" || exit 126; n=$2; shift 2; "
            + exports
            + "if [ \"$n\" -gt 0 ]; then head -c \"$n\" | \"$@\"; else exec \"$@\" </dev/null; fi";
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", prelude, "berth-exec", cwd));
    command.add(Integer.toString(stdin.length));
    command.addAll(argv);
    Raw r = raw(namespace, pod, container, command, stdin, timeout, maxOutput, true, cancellation);
    return new ExecResult(
        r.exitCode(),
        r.stdout().bytes(),
        r.stderr().bytes(),
        r.stdout().total(),
        r.stderr().total(),
        r.timedOut(),
        Duration.between(started, Instant.now()));
  }

  /** {@code export K='v';} for each variable; keys must be shell names. */
  static String exports(java.util.Map<String, String> env) {
    var sb = new StringBuilder();
    for (var e : new java.util.TreeMap<>(env).entrySet()) {
      if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw BerthException.badRequest(
            "environment variable name '"
                + e.getKey()
                + "' is not valid: use letters, digits and _");
      }
      sb.append("export ").append(e.getKey()).append('=').append(quote(e.getValue())).append("; ");
    }
    return sb.toString();
  }

  static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  /** Splits off stderr's first line (the prelude's pid) when asked to; passes the rest on. */
  static final class FirstLine extends OutputStream {
    final Bounded rest;
    private final ByteArrayOutputStream first = new ByteArrayOutputStream();
    private boolean done;
    private final CountDownLatch lineDone = new CountDownLatch(1);

    FirstLine(Bounded rest, boolean expectLine) {
      this.rest = rest;
      this.done = !expectLine;
    }

    @Override
    public synchronized void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] data, int off, int len) {
      int i = off;
      int end = off + len;
      while (!done && i < end) {
        byte b = data[i++];
        if (b == '\n') {
          done = true;
          lineDone.countDown();
        } else {
          first.write(b);
        }
      }
      if (i < end) {
        rest.write(data, i, end - i);
      }
    }

    /** The pid once reported, waiting up to {@code wait} unless {@code ended} completes first. */
    long awaitPid(Duration wait, Future<?> ended) {
      long deadline = System.nanoTime() + wait.toNanos();
      try {
        while (!ended.isDone() && System.nanoTime() < deadline) {
          if (lineDone.await(50, TimeUnit.MILLISECONDS)) {
            break;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return pid();
    }

    synchronized String line() {
      return first.toString(StandardCharsets.UTF_8).trim();
    }

    long pid() {
      try {
        return Long.parseLong(line());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }
}
