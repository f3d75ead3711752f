package dev.berth.runtime.kubernetes;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one of Berth's own short commands in a pod's container through the API server's exec
 * endpoint (a WebSocket with the {@code v4.channel.k8s.io} protocol), with bounded output and a
 * timeout: the file operations ({@link PodFiles}) and the signals and kills of started processes
 * ({@link PodProcesses}). A session's exec is a started process ({@link PodProcesses}), not this.
 *
 * <p>The v4 protocol has no end-of-file for standard input, so a command given stdin bytes must
 * read exactly that many itself ({@link FilesScript}'s loader does). Nothing here can kill a
 * command that outlives its timeout: the API has no call for it, and these commands are Berth's
 * own, which end on their own.
 */
final class PodExec {
  private final KubernetesClient client;

  PodExec(KubernetesClient client) {
    this.client = client;
  }

  /** What a command did: its exit code (-1 when unknown or timed out) and its bounded output. */
  record Raw(int exitCode, Bounded stdout, Bounded stderr, boolean timedOut) {}

  /** Runs {@code argv} as is, {@code stdin} written up front (and never ended). */
  Raw raw(
      String namespace,
      String pod,
      String inContainer,
      List<String> argv,
      byte[] stdin,
      Duration timeout,
      long maxOutput) {
    var out = new Bounded(maxOutput);
    var err = new Bounded(maxOutput);
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
      Integer code = watch.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Raw(code == null ? -1 : code, out, err, false);
    } catch (TimeoutException e) {
      return new Raw(-1, out, err, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE, "interrupted while running " + argv.get(0));
    } catch (ExecutionException e) {
      throw KubeFailures.failure(
          "exec '" + argv.get(0) + "' in pod " + pod, e.getCause() instanceof Exception c ? c : e);
    }
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
}
