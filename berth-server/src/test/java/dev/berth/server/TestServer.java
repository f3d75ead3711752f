package dev.berth.server;

import dev.berth.config.BerthConfig;
import dev.berth.config.ConfigLoader;
import dev.berth.runtime.provider.BackendProviders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real Berth server on an ephemeral port in a temporary data directory, with a tiny client. */
public final class TestServer implements AutoCloseable {
  public static final JsonMapper JSON = JsonMapper.builder().build();
  public final Path home;
  public final BerthServer server;
  public final String adminToken;
  public final String startupOutput;
  private final HttpClient http = HttpClient.newHttpClient();

  public TestServer(Path home) {
    this(home, Map.of());
  }

  /** A server on the local backend only. */
  public TestServer(Path home, Map<String, String> env) {
    this(home, env, "local");
  }

  /**
   * A server whose {@code backend} is {@code backend}, with the backend kinds on the test class
   * path (the CLI module's tests have Docker and Kubernetes too).
   */
  public TestServer(Path home, Map<String, String> env, String backend) {
    this(home, env, backend, 0);
  }

  /** On {@code port} (0: an ephemeral one), e.g. to restart a server where its clients look. */
  public TestServer(Path home, Map<String, String> env, String backend, int port) {
    this.home = home;
    BackendProviders providers = BackendProviders.installed();
    BerthConfig config =
        ConfigLoader.load(
            home,
            withLocalSessionTokens(home, env),
            Map.of("port", Integer.toString(port), "backend", backend),
            providers.all());
    var out = new ByteArrayOutputStream();
    this.server = BerthServer.start(config, providers, new PrintStream(out, true));
    this.startupOutput = out.toString(StandardCharsets.UTF_8);
    try {
      this.adminToken = Files.readString(config.adminTokenFile()).strip();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Most tests act with session tokens on local sessions, which an installation must opt in to
   * (they do not isolate there): they run opted in unless they set it themselves, in the
   * environment or in a berth.yaml of their own.
   */
  private static Map<String, String> withLocalSessionTokens(Path home, Map<String, String> env) {
    if (env.containsKey("BERTH_LOCAL_SESSION_TOKENS") || Files.exists(home.resolve("berth.yaml"))) {
      return env;
    }
    var all = new java.util.HashMap<>(env);
    all.put("BERTH_LOCAL_SESSION_TOKENS", "true");
    return all;
  }

  public String url() {
    return server.url();
  }

  /** One HTTP call; {@code body} may be null, a String (sent as JSON) or bytes (raw). */
  public Response call(String method, String path, String token, Object body) {
    var builder = HttpRequest.newBuilder(URI.create(url() + path));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    HttpRequest.BodyPublisher publisher =
        switch (body) {
          case null -> HttpRequest.BodyPublishers.noBody();
          case String s -> {
            builder.header("Content-Type", "application/json");
            yield HttpRequest.BodyPublishers.ofString(s);
          }
          case byte[] b -> HttpRequest.BodyPublishers.ofByteArray(b);
          default -> throw new IllegalArgumentException(body.getClass().toString());
        };
    try {
      HttpResponse<byte[]> r =
          http.send(
              builder.method(method, publisher).build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(
          r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response admin(String method, String path, Object body) {
    return call(method, path, adminToken, body);
  }

  /** Stops the server and leaves its sessions and tokens in place, for a restart on one home. */
  public void stopKeepingSessions() {
    server.close();
  }

  @Override
  public void close() {
    // Warm-pool members are no session's, so the deletes below would leave them running.
    server.sessions().pools().closeAndDrain();
    for (JsonNode s : admin("GET", "/api/v1/sessions", null).json()) {
      admin("DELETE", "/api/v1/sessions/" + s.get("id").asString(), null);
    }
    server.close();
  }

  public record Response(int status, byte[] body, String contentType) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      return JSON.readTree(body);
    }

    /** The error code of an error body, or "" when the body is not an error. */
    public String errorCode() {
      JsonNode error = json().path("error");
      return error.path("code").asString("");
    }

    @Override
    public String toString() {
      return status + " " + text();
    }
  }
}
