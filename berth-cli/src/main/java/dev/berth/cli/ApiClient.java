package dev.berth.cli;

import dev.berth.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The CLI's way to a running Berth: the server of the data directory ({@code BERTH_HOME}, else
 * ~/.berth) at the port its {@code berth.yaml} or {@code BERTH_PORT} gives, or {@code BERTH_URL};
 * and a token from {@code BERTH_TOKEN} or that data directory's admin token file.
 *
 * <p>Without {@code BERTH_URL} the address is always the one of the data directory the token came
 * from: with two installations on one machine, one's admin token is never sent to the other's
 * server.
 */
final class ApiClient {
  static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * Bodies above this many bytes are sent only after the server's "100 Continue" (curl's 1 MiB).
   */
  static final long EXPECT_CONTINUE_ABOVE = 1024 * 1024;

  private final String baseUrl;
  private final String token;
  private final String tokenSource;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ApiClient(String baseUrl, String token) {
    this(baseUrl, token, "BERTH_TOKEN");
  }

  /**
   * @param tokenSource where the token was looked for, for the message when the server wants one
   *     and there is none
   */
  ApiClient(String baseUrl, String token, String tokenSource) {
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.token = token;
    this.tokenSource = tokenSource;
  }

  static ApiClient fromEnvironment(Map<String, String> env) {
    Path home = ConfigLoader.home(env);
    String url = env.get("BERTH_URL");
    url = url == null || url.isBlank() ? ServerAddress.of(home, env) : ServerAddress.checked(url);
    String token = env.get("BERTH_TOKEN");
    Path file = home.resolve("admin.token");
    if (token == null || token.isBlank()) {
      try {
        token = Files.exists(file) ? Files.readString(file).strip() : null;
      } catch (IOException e) {
        throw new CliException("cannot read " + file + ": " + e.getMessage());
      }
    }
    return new ApiClient(url, token, "BERTH_TOKEN is not set and there is no " + file);
  }

  String baseUrl() {
    return baseUrl;
  }

  String token() {
    return token;
  }

  static String encodePath(String path) {
    StringBuilder out = new StringBuilder();
    for (String segment : path.split("/", -1)) {
      if (!out.isEmpty()) {
        out.append('/');
      }
      out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return out.toString();
  }

  static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  HttpResponse<InputStream> send(
      String method, String path, HttpRequest.BodyPublisher body, String contentType) {
    return send(method, path, body, contentType, Map.of());
  }

  /**
   * A GET of a Server-Sent Events stream ({@code Accept: text/event-stream}, which Berth's streams
   * require); a refusal is a CliException with the server's message. Read it with {@link
   * SseReader}.
   */
  InputStream stream(String path, Map<String, String> headers) {
    var all = new java.util.HashMap<>(headers);
    all.put("Accept", "text/event-stream");
    HttpResponse<InputStream> r = send("GET", path, HttpRequest.BodyPublishers.noBody(), null, all);
    checkOk(r);
    return r.body();
  }

  HttpResponse<InputStream> send(
      String method,
      String path,
      HttpRequest.BodyPublisher body,
      String contentType,
      Map<String, String> headers) {
    var builder =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .method(method, body)
            // As curl does: a large body waits for the server's "100 Continue", so a refusal
            // (413, 404, 401) comes back before any byte of it is sent, never as a reset
            // connection with the answer lost (the server reads at most 2 MiB to deliver one).
            .expectContinue(body.contentLength() > EXPECT_CONTINUE_ABOVE);
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    headers.forEach(builder::header);
    try {
      HttpResponse<InputStream> r =
          http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() == 401 && token == null) {
        r.body().close();
        throw noToken();
      }
      return r;
    } catch (ConnectException e) {
      throw new CliException(
          "no Berth server answers at "
              + baseUrl
              + " (start one with './berth serve', or set BERTH_URL)");
    } catch (IOException e) {
      throw new CliException("request to " + baseUrl + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  /** A JSON call; a non-2xx answer becomes a CliException with the server's message. */
  JsonNode json(String method, String path, Object body) {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
    return readJson(send(method, path, publisher, body == null ? null : "application/json"));
  }

  static JsonNode readJson(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      byte[] bytes = in.readAllBytes();
      JsonNode node = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
      if (response.statusCode() >= 300) {
        throw CliException.fromResponse(response.statusCode(), node);
      }
      return node;
    } catch (IOException e) {
      throw new CliException("cannot read the server's answer: " + e.getMessage());
    } catch (tools.jackson.core.JacksonException e) {
      throw new CliException(
          "the server answered " + response.statusCode() + " with something that is not JSON");
    }
  }

  /**
   * A WebSocket to {@code path} ({@code ws://} or {@code wss://} as the base URL is http or https),
   * with the token as a bearer header. A refused upgrade is a CliException with its HTTP status.
   */
  WebSocket webSocket(String path, WebSocket.Listener listener) {
    URI uri = URI.create(baseUrl.replaceFirst("^http", "ws") + path);
    var builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    try {
      return builder.buildAsync(uri, listener).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        if (refused.getResponse().statusCode() == 401 && token == null) {
          throw noToken();
        }
        throw new CliException(
            "the server refused the WebSocket to "
                + path
                + " (HTTP "
                + refused.getResponse().statusCode()
                + ")");
      }
      if (e.getCause() instanceof ConnectException) {
        throw new CliException("no Berth server answers at " + baseUrl);
      }
      throw new CliException("cannot open a WebSocket to " + uri + ": " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  /** The server wants a token and the CLI found none: say where it looked. */
  private CliException noToken() {
    return new CliException(
        "the server at "
            + baseUrl
            + " wants a token: "
            + tokenSource
            + " (a server writes its admin token there on first start; or set BERTH_TOKEN, or"
            + " BERTH_HOME to the server's data directory)");
  }

  static void checkOk(HttpResponse<InputStream> response) {
    if (response.statusCode() >= 300) {
      readJson(response);
    }
  }
}
