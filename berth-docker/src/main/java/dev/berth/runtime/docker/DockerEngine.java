package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The connection to one Docker engine: docker-java's client for the typed API, and the raw HTTP
 * client under it for the one call docker-java lacks ({@code HEAD /containers/{id}/archive}, a 1-2
 * ms stat that also reports where a symlink leads).
 */
final class DockerEngine implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

  /**
   * How long a metadata call (inspect a container or volume, list Berth's resources) may wait for
   * the engine. The reconciler inspects under a session's lifecycle lock, and a user's delete waits
   * on that lock: an engine that accepts connections but hangs must not hold either for long.
   */
  static final Duration QUICK_RESPONSE = Duration.ofSeconds(10);

  // A virtual thread per bounded call: cheap, and interrupting one closes the socket it is blocked
  // on (unix or TCP), which frees the pooled connection. A response timeout on the HTTP client
  // would not do: docker-java's unix-socket transport ignores it.
  private static final ExecutorService BOUNDED_CALLS =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("berth-docker-call").factory());

  final DockerClient client;
  private final DockerHttpClient http;
  private final boolean owned;

  /** Where the engine answers; unknown for a client made elsewhere. */
  final Optional<URI> host;

  private DockerEngine(
      DockerClient client, DockerHttpClient http, boolean owned, Optional<URI> host) {
    this.client = client;
    this.http = http;
    this.owned = owned;
    this.host = host;
  }

  /**
   * Connects to {@code dockerHost} ({@code unix:///var/run/docker.sock}, {@code tcp://host:2376}),
   * or when it is null or blank to what the environment says: {@code DOCKER_HOST}, with {@code
   * DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH} for TLS, else the local unix socket.
   */
  static DockerEngine connect(String dockerHost) {
    var builder = DefaultDockerClientConfig.createDefaultConfigBuilder();
    if (dockerHost != null && !dockerHost.isBlank()) {
      builder.withDockerHost(dockerHost);
    }
    return connect(builder.build());
  }

  /** Connects to exactly this endpoint, whatever the environment's DOCKER_* variables say. */
  static DockerEngine connectTo(DockerEndpoint endpoint) {
    var builder =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(endpoint.host())
            .withDockerTlsVerify(endpoint.tlsVerify());
    endpoint.certPath().ifPresent(builder::withDockerCertPath);
    return connect(builder.build());
  }

  private static DockerEngine connect(DockerClientConfig config) {
    DockerHttpClient http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig())
            .maxConnections(64)
            .connectionTimeout(Duration.ofSeconds(5))
            // No response timeout: execs and log reads may be silent for long; callers bound them.
            .build();
    return new DockerEngine(
        DockerClientImpl.getInstance(config, http),
        http,
        true,
        Optional.ofNullable(config.getDockerHost()));
  }

  /** Uses a client made elsewhere; it must be docker-java's own implementation. */
  static DockerEngine wrap(DockerClient client) {
    if (!(client instanceof DockerClientImpl impl) || impl.getHttpClient() == null) {
      throw new IllegalArgumentException(
          "DockerRuntime needs a DockerClientImpl built with a DockerHttpClient, got "
              + client.getClass().getName());
    }
    return new DockerEngine(client, impl.getHttpClient(), false, Optional.empty());
  }

  /** The engine's own id (the same through every address it listens on). */
  String engineId() {
    return quick("ask for its id", () -> client.infoCmd().exec().getId());
  }

  /**
   * Null when the engine answers a ping within {@code PING_TIMEOUT}, else why not. Bounded here
   * because the client has no response timeout (execs may be silent for long), and an engine that
   * accepts the connection but hangs must not hang a start-up check.
   */
  String ping() {
    try {
      bounded("answer a ping", PING_TIMEOUT, () -> client.pingCmd().exec());
      return null;
    } catch (RuntimeException e) {
      return reason(e);
    }
  }

  /** {@code call} (a short metadata call) bounded by {@link #QUICK_RESPONSE}; see there. */
  <T> T quick(String what, Supplier<T> call) {
    return bounded(what, QUICK_RESPONSE, call);
  }

  /**
   * Runs {@code call} on its own virtual thread and waits at most {@code limit}; past it the call
   * is interrupted (closing its connection) and a {@link BerthException} says the engine did not
   * answer. The call's own exceptions come through unchanged (a not-found stays a not-found).
   */
  private static <T> T bounded(String what, Duration limit, Supplier<T> call) {
    Future<T> future = BOUNDED_CALLS.submit(call::get);
    try {
      return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE,
          "the Docker engine did not "
              + what
              + " within "
              + limit.toSeconds()
              + "s (it accepts connections but does not answer: is dockerd hung or overloaded?)");
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new BerthException(
          ErrorCode.INTERNAL, "interrupted while the Docker engine would " + what);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw failure(what, e);
    }
  }

  /** An lstat of {@code absPath} inside the container; empty when nothing is there. */
  Optional<PathStat> stat(String containerId, String absPath) {
    var request =
        DockerHttpClient.Request.builder()
            .method("HEAD")
            .path(
                "/containers/"
                    + containerId
                    + "/archive?path="
                    + URLEncoder.encode(absPath, StandardCharsets.UTF_8))
            .build();
    try (DockerHttpClient.Response response = http.execute(request)) {
      int status = response.getStatusCode();
      if (status == 404) {
        return Optional.empty();
      }
      String header = response.getHeader("X-Docker-Container-Path-Stat");
      if (status != 200 || header == null) {
        throw new BerthException(
            ErrorCode.RUNTIME_FAILURE,
            // In the user's terms: the path as the session sees it, no container id. The engine
            // answers a HEAD with no body; its 500 here is in practice ENOTDIR (a path beneath a
            // file), which is all the more worth naming.
            "cannot look up '"
                + absPath
                + "' in the session: the Docker engine answered HTTP "
                + status
                + (status == 500 ? " (is a part of that path a file, not a directory?)" : ""));
      }
      JsonNode node = JSON.readTree(Base64.getDecoder().decode(header));
      return Optional.of(
          new PathStat(
              node.path("name").asString(""),
              node.path("size").asLong(0),
              node.path("mode").asLong(0),
              parseTime(node.path("mtime").asString("")),
              node.path("linkTarget").asString("")));
    } catch (BerthException e) {
      throw e;
    } catch (RuntimeException e) {
      throw failure("stat '" + absPath + "'", e);
    }
  }

  private static Instant parseTime(String text) {
    try {
      return Instant.parse(text);
    } catch (RuntimeException e) {
      return Instant.EPOCH;
    }
  }

  static boolean isNotFound(Throwable e) {
    return e instanceof NotFoundException;
  }

  /** A RUNTIME_FAILURE carrying Docker's own reason. */
  static BerthException failure(String what, Exception e) {
    return new BerthException(
        ErrorCode.RUNTIME_FAILURE, "Docker: cannot " + what + ": " + reason(e), e);
  }

  /** Docker's message without docker-java's "Status 409: {...}" wrapping where possible. */
  static String reason(Throwable e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    if (e instanceof DockerException) {
      int start = message.indexOf("\"message\":\"");
      if (start >= 0) {
        int from = start + "\"message\":\"".length();
        int end = message.indexOf('"', from);
        if (end > from) {
          return message.substring(from, end);
        }
      }
    }
    return message.strip();
  }

  @Override
  public void close() {
    if (owned) {
      try {
        client.close();
      } catch (IOException e) {
        // closing a pool of idle connections; nothing to recover
      }
    }
  }
}
