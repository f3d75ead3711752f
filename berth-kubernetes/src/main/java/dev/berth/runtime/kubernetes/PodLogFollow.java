package dev.berth.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.berth.runtime.LogSink;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BufferUtil;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One pod container's log followed through the API server ({@code GET
 * /api/v1/namespaces/{ns}/pods/{pod}/log?container=&follow=true&tailLines=}, as {@code kubectl logs
 * -f --tail}): its last lines, then each write as the kubelet reads it, until closed or until the
 * container ends (the kubelet then ends the stream: a stop deletes the pod, which ends its
 * containers). A pod that is not there, or a container that has not started, is a log that ends at
 * once, with the API server's reason.
 *
 * <p>Why not fabric8's {@code watchLog}: in 7.8 it writes whatever body the API server answers into
 * the stream, so a 404 (no pod) or a 400 (container waiting to start) would reach the reader as if
 * the container had written it, and it first waits up to 5 s for the pod to be Ready. Here the
 * answer's status is read before any byte is taken for the log. The request goes through the
 * client's own HTTP client (its auth, TLS and no request timeout, as {@code watchLog}'s does).
 *
 * <p>Each chunk is handed to the sink on this follow's own thread, and the next one is asked of the
 * server only once the sink has taken it: a sink that blocks holds the connection back, never a
 * queue here.
 */
final class PodLogFollow implements AutoCloseable {
  /** How long a close waits for a sink call it interrupted (one that ignores it is left). */
  private static final long CLOSE_WAIT_SECONDS = 5;

  private final KubernetesClient client;
  private final String namespace;
  private final String pod;
  private final String container;
  private final LogSink sink;
  private final ExecutorService deliveries;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile boolean closed;
  private volatile Thread worker;
  private volatile CompletableFuture<HttpResponse<AsyncBody>> request;

  /** An error answer's code (0 while the answer is the log) and its body, to say what was wrong. */
  private volatile int failedWith;

  private final ByteArrayOutputStream failure = new ByteArrayOutputStream();

  private PodLogFollow(
      KubernetesClient client, String namespace, String pod, String container, LogSink sink) {
    this.client = client;
    this.namespace = namespace;
    this.pod = pod;
    this.container = container;
    this.sink = sink;
    this.deliveries =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t =
                  Thread.ofPlatform()
                      .daemon()
                      .name("berth-k8s-log-" + pod + "/" + container)
                      .unstarted(r);
              worker = t;
              return t;
            });
  }

  /** Follows {@code container} of {@code pod} from its last {@code lines} lines. */
  static PodLogFollow start(
      KubernetesClient client,
      String namespace,
      String pod,
      String container,
      int lines,
      LogSink sink) {
    var follow = new PodLogFollow(client, namespace, pod, container, sink);
    String url =
        URLUtils.join(
            client.getMasterUrl().toString(),
            "api/v1/namespaces/"
                + URLUtils.encodeToUTF(namespace)
                + "/pods/"
                + URLUtils.encodeToUTF(pod)
                + "/log?container="
                + URLUtils.encodeToUTF(container)
                + "&follow=true&tailLines="
                + Math.max(0, lines));
    HttpClient http = client.getHttpClient();
    try {
      follow.request =
          http.consumeBytes(
              http.newHttpRequestBuilder().uri(URI.create(url)).build(), follow::chunk);
    } catch (RuntimeException e) {
      follow.finish("cannot follow the log of " + follow.what() + ": " + KubeFailures.reason(e));
      return follow;
    }
    follow.request.whenComplete(follow::answered);
    return follow;
  }

  private String what() {
    return "container " + container + " of pod " + pod;
  }

  /** The answer's head is in: the log streams from here, or an error body is read to say why. */
  private void answered(HttpResponse<AsyncBody> response, Throwable error) {
    if (error != null) {
      finish("cannot follow the log of " + what() + ": " + KubeFailures.reason(unwrap(error)));
      return;
    }
    AsyncBody body = response.body();
    if (closed) {
      body.cancel();
      return;
    }
    if (!response.isSuccessful()) {
      failedWith = response.code();
    }
    body.done().whenComplete((v, t) -> bodyDone(t));
    body.consume();
  }

  /** A chunk of the answer: the log's bytes go to the sink; an error answer's are kept. */
  private void chunk(List<ByteBuffer> buffers, AsyncBody body) {
    byte[] data = BufferUtil.toArray(buffers);
    if (failedWith != 0) {
      synchronized (failure) {
        failure.write(data, 0, data.length);
      }
      body.consume();
      return;
    }
    if (closed) {
      body.cancel();
      return;
    }
    try {
      deliveries.execute(
          () -> {
            if (closed) {
              return;
            }
            try {
              sink.output(data, 0, data.length);
            } catch (InterruptedException e) {
              close(); // the sink gave up (or a close interrupted it): no more is read
              return;
            }
            if (closed) {
              body.cancel();
            } else {
              body.consume(); // only now the next chunk is asked for
            }
          });
    } catch (RejectedExecutionException e) {
      body.cancel(); // closed meanwhile
    }
  }

  private void bodyDone(Throwable t) {
    if (failedWith != 0) {
      String text;
      synchronized (failure) {
        text = failure.toString(UTF_8);
      }
      finish("cannot follow the log of " + what() + ": " + statusMessage(failedWith, text));
    } else if (t != null) {
      finish("the log of " + what() + " broke off: " + KubeFailures.reason(unwrap(t)));
    } else {
      finish(null); // the kubelet ended it: the container ended; why is looked up on the thread
    }
  }

  /** Ends the log once, after every chunk already handed on; {@code null}: say how it ended. */
  private void finish(String why) {
    try {
      deliveries.execute(
          () -> {
            String reason = why == null ? whyEnded() : why;
            if (!closed && ended.compareAndSet(false, true)) {
              sink.end(reason);
            }
            deliveries.shutdown();
          });
    } catch (RejectedExecutionException e) {
      // closed: the sink is not called again
    }
  }

  /**
   * Why a log the kubelet ended did: the pod is gone, or the container's end as its status says.
   */
  private String whyEnded() {
    Pod now;
    try {
      now = client.pods().inNamespace(namespace).withName(pod).get();
    } catch (RuntimeException e) {
      return what() + " is not running";
    }
    if (now == null || now.getMetadata().getDeletionTimestamp() != null) {
      return "pod " + pod + " is gone (the session was stopped or deleted)";
    }
    var terminated =
        now.getStatus() == null || now.getStatus().getContainerStatuses() == null
            ? null
            : now.getStatus().getContainerStatuses().stream()
                .filter(c -> container.equals(c.getName()))
                .findFirst()
                .map(c -> c.getState() == null ? null : c.getState().getTerminated())
                .orElse(null);
    if (terminated != null && terminated.getExitCode() != null) {
      return what() + " exited with code " + terminated.getExitCode();
    }
    return what() + " is not running";
  }

  /** The API server's message from a {@code Status} body, else the body itself, and the code. */
  private String statusMessage(int code, String body) {
    String message = null;
    try {
      Status status = client.getKubernetesSerialization().unmarshal(body, Status.class);
      message = status == null ? null : status.getMessage();
    } catch (RuntimeException e) {
      // not a Status: the body says it as it is
    }
    if (message == null || message.isBlank()) {
      message = body.isBlank() ? "no message" : body.strip();
    }
    return message + " (HTTP " + code + ")";
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null
        ? t.getCause()
        : t;
  }

  /**
   * Stops the follow: the connection is cancelled, a sink call in progress is interrupted and
   * waited for (up to {@value #CLOSE_WAIT_SECONDS} s), and the sink is not called again.
   */
  @Override
  public void close() {
    closed = true;
    var r = request;
    if (r != null) {
      // an answer already in is cancelled here; one still to come, where it arrives (answered)
      r.thenAccept(response -> response.body().cancel());
    }
    deliveries.shutdownNow();
    if (Thread.currentThread() != worker) {
      try {
        deliveries.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
