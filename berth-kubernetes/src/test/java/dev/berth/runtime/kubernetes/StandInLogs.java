package dev.berth.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

/**
 * The {@link KubeletStandIn}'s followed logs ({@code GET .../pods/{pod}/log?follow=true}), test
 * only: a pod container's real output, streamed as chunked {@code text/plain} from {@code docker
 * logs -f --tail N} of the Docker container that stands in for it (stdout and stderr together, as a
 * kubelet's log has both), ending when that container ends or is removed, as a kubelet ends the
 * stream when the container stops.
 *
 * <p>It is a server of its own because fabric8's mock API server answers each request with a body
 * that is complete before it is sent: it cannot stream. So {@link MockCluster}'s clients send a
 * follow here instead of to the mock (an interceptor of theirs rewrites the address and records the
 * request), and this server gives what the API server would have relayed from the kubelet. A real
 * API server streams the kubelet's answer on the same connection as every other call; the runtime
 * sends the same request either way, and no cluster can run here (FACTS.md) to show the real one.
 *
 * <p>Its errors are the API server's: {@code 404 pods "p" not found}, {@code 400} for a container
 * the pod does not have (or none named in a pod of several), and {@code 400 container "c" in pod
 * "p" is waiting to start} while the stand-in has not run it.
 */
final class StandInLogs implements AutoCloseable {
  private final KubernetesClient client;
  private final BiFunction<String, String, String> dockerContainer; // (pod uid, container) -> name
  private final HttpServer server;
  private final ExecutorService threads;
  private final Set<Process> follows = ConcurrentHashMap.newKeySet();

  StandInLogs(KubernetesClient client, BiFunction<String, String, String> dockerContainer) {
    this.client = client;
    this.dockerContainer = dockerContainer;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException("stand-in cannot listen for log follows: " + e, e);
    }
    threads =
        Executors.newCachedThreadPool(
            r -> Thread.ofPlatform().daemon().name("kubelet-stand-in-logs").unstarted(r));
    server.setExecutor(threads);
    server.createContext("/", this::serve);
    server.start();
  }

  /** Where a follow of {@code pathAndQuery} (the API server's path, unchanged) is sent. */
  java.net.URI location(String pathAndQuery) {
    return java.net.URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String[] parts = path.split("/"); // "", api, v1, namespaces, ns, pods, name, log
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      if (parts.length != 8 || !parts[7].equals("log")) {
        status(exchange, 404, "NotFound", "the stand-in follows pod logs only, not " + path);
        return;
      }
      String namespace = parts[4];
      String podName = parts[6];
      Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
      if (pod == null) {
        status(exchange, 404, "NotFound", "pods \"" + podName + "\" not found");
        return;
      }
      List<String> names = new ArrayList<>();
      for (Container c : pod.getSpec().getContainers()) {
        names.add(c.getName());
      }
      String container = query.get("container");
      if (container == null && names.size() == 1) {
        container = names.get(0);
      }
      if (container == null) {
        status(
            exchange,
            400,
            "BadRequest",
            "a container name must be specified for pod " + podName + ", choose one of: " + names);
        return;
      }
      if (!names.contains(container)) {
        status(
            exchange,
            400,
            "BadRequest",
            "container " + container + " is not valid for pod " + podName);
        return;
      }
      String docker = dockerContainer.apply(pod.getMetadata().getUid(), container);
      if (docker == null) {
        status(
            exchange,
            400,
            "BadRequest",
            "container \""
                + container
                + "\" in pod \""
                + podName
                + "\" is waiting to start: ContainerCreating");
        return;
      }
      stream(exchange, docker, query.getOrDefault("tailLines", "all"));
    }
  }

  /** The container's log, each read sent as it comes, until {@code docker logs -f} ends. */
  private void stream(HttpExchange exchange, String docker, String tail) throws IOException {
    Process p =
        new ProcessBuilder("docker", "logs", "--follow", "--tail", tail, docker)
            .redirectErrorStream(true)
            .start();
    follows.add(p);
    try {
      p.getOutputStream().close();
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, 0); // chunked
      OutputStream out = exchange.getResponseBody();
      InputStream in = p.getInputStream();
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
        out.flush(); // one chunk per read: the reader sees each write as it happens
      }
      out.close();
    } catch (IOException e) {
      // the reader went away (closed its follow): like a kubelet, stop reading the log
    } finally {
      p.destroy();
      follows.remove(p);
    }
  }

  private static void status(HttpExchange exchange, int code, String reason, String message)
      throws IOException {
    byte[] body =
        ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\""
                + message.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"reason\":\""
                + reason
                + "\",\"code\":"
                + code
                + "}")
            .getBytes(UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, body.length);
    exchange.getResponseBody().write(body);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null) {
      return out;
    }
    for (String kv : raw.split("&")) {
      String[] p = kv.split("=", 2);
      out.put(URLDecoder.decode(p[0], UTF_8), URLDecoder.decode(p.length > 1 ? p[1] : "", UTF_8));
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    follows.forEach(Process::destroy);
    threads.shutdownNow();
  }
}
