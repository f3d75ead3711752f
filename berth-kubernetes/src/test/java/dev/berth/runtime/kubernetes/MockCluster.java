package dev.berth.runtime.kubernetes;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * fabric8's mock API server in CRUD mode, the only Kubernetes this project's tests have: no real
 * API server can run on the build machines (FACTS.md). It stores and serves objects, lists and
 * watches them by label, but runs nothing: there is no scheduler and no kubelet, so a pod's status
 * stays empty unless a test sets it ({@link #setRunning}...) or a {@link KubeletStandIn} does.
 *
 * <p>Every request is recorded (method and path) so a test can compare the API calls the runtime
 * makes with the RBAC rules of the deployment kit. Requests for a pod's {@code exec} subresource go
 * to {@link #exec} when one is set, and for its {@code portforward} subresource to {@link
 * #portForward}, and for its {@code log} to {@link #log}; without one they get what the CRUD mock
 * gives an unknown path.
 *
 * <p>A followed log ({@code .../log?follow=true}) is the one answer the mock cannot give: it sends
 * each body whole, so it cannot stream. When {@link #logFollow} is set, this cluster's clients send
 * such a request there instead (a fabric8 interceptor rewrites its address; it is recorded as if
 * the mock had it), where a {@link KubeletStandIn} streams it as a kubelet would through a real API
 * server.
 */
final class MockCluster implements AutoCloseable {
  final KubernetesMockServer server;
  final NamespacedKubernetesClient client;
  final List<String> requests = new CopyOnWriteArrayList<>();

  /** Only the requests of clients made by {@link #runtimeClient}: what the runtime sends. */
  final List<String> runtimeRequests = new CopyOnWriteArrayList<>();

  volatile Function<RecordedRequest, MockResponse> exec;
  volatile Function<RecordedRequest, MockResponse> portForward;
  volatile Function<RecordedRequest, MockResponse> log;

  /** Where a followed log's path and query are sent instead of the mock, or null (to the mock). */
  volatile Function<String, java.net.URI> logFollow;

  static {
    // the mock logs every request at INFO through java.util.logging; keep test output readable
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
  }

  MockCluster() {
    var responses =
        new HashMap<
            io.fabric8.mockwebserver.ServerRequest,
            java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
    var crud = new KubernetesMixedDispatcher(responses);
    Dispatcher recording =
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String agent = request.getHeader("User-Agent");
            requests.add(request.getMethod() + " " + request.getPath());
            if (agent != null && agent.startsWith("berth-under-test")) {
              runtimeRequests.add(request.getMethod() + " " + request.getPath());
            }
            String path = request.getPath();
            int q = path.indexOf('?');
            String bare = q < 0 ? path : path.substring(0, q);
            if (bare.endsWith("/exec") && exec != null) {
              return exec.apply(request);
            }
            if (bare.endsWith("/portforward") && portForward != null) {
              return portForward.apply(request);
            }
            if (bare.endsWith("/log") && log != null) {
              return log.apply(request);
            }
            MockResponse answer = crud.dispatch(request);
            if (path.contains("watch=true") && answer.getWebSocketListener() != null) {
              answer.withWebSocketUpgrade(new OffLoopWatchClose(answer.getWebSocketListener()));
            }
            return answer;
          }

          @Override
          public void shutdown() {
            crud.shutdown();
          }
        };
    server =
        new KubernetesMockServer(new Context(), new MockWebServer(), responses, recording, false);
    server.init();
    client = withPatientRequests(server.createClient());
  }

  /** Sends a followed log to {@link #logFollow} (see the class comment), recording it. */
  private io.fabric8.kubernetes.client.http.Interceptor followedLogs(boolean runtime) {
    return new io.fabric8.kubernetes.client.http.Interceptor() {
      @Override
      public void before(
          io.fabric8.kubernetes.client.http.BasicBuilder builder,
          io.fabric8.kubernetes.client.http.HttpRequest request,
          RequestTags tags) {
        var to = logFollow;
        java.net.URI uri = request.uri();
        String query = uri.getRawQuery();
        if (to == null
            || !uri.getRawPath().endsWith("/log")
            || query == null
            || !java.util.Arrays.asList(query.split("&")).contains("follow=true")) {
          return;
        }
        String pathAndQuery = uri.getRawPath() + "?" + query;
        requests.add(request.method() + " " + pathAndQuery);
        if (runtime) {
          runtimeRequests.add(request.method() + " " + pathAndQuery);
        }
        builder.uri(to.apply(pathAndQuery));
      }
    };
  }

  /**
   * The client with a 60 s request timeout instead of fabric8's 10 s: here the API server, the
   * kubelet stand-in and the Docker engine behind it share two busy cores, and a CI run once failed
   * because an exec's WebSocket handshake took longer than 10 s (a real cluster answers it at once;
   * the runtime's own exec timeouts are tested apart).
   */
  private NamespacedKubernetesClient withPatientRequests(NamespacedKubernetesClient c) {
    var config =
        new io.fabric8.kubernetes.client.ConfigBuilder(c.getConfiguration())
            .withRequestTimeout(60_000)
            .build();
    c.close();
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientBuilderConsumer(
            b -> b.addOrReplaceInterceptor("followed-logs", followedLogs(false)))
        .build()
        .adapt(NamespacedKubernetesClient.class);
  }

  /** A client whose requests are recorded apart, for the runtime under test. */
  io.fabric8.kubernetes.client.KubernetesClient runtimeClient() {
    var config =
        new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration())
            .withUserAgent("berth-under-test")
            .build();
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientBuilderConsumer(
            b -> b.addOrReplaceInterceptor("followed-logs", followedLogs(true)))
        .build();
  }

  /**
   * Closes the client and the mock server. The mock waits a fixed time for its HTTP server to close
   * and throws when that runs out, which happened once in CI on two loaded cores while an exec's
   * WebSocket was still draining: that is the stand-in's shutdown, not anything Berth did, so it is
   * reported on stderr and the test's own result stands. The leftover server dies with the JVM.
   */
  @Override
  public void close() {
    client.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      if (e.getMessage() == null || !e.getMessage().startsWith("Unable to close")) {
        throw e;
      }
      System.err.println("MockCluster: the mock API server did not shut down in time: " + e);
    }
  }
}
