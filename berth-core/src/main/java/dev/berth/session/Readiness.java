package dev.berth.session;

import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.WorkspacePath;
import dev.berth.template.HealthProbe;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Waits until a started session is ready: its process runs and its template's probe answers. A
 * session is RUNNING only after this says so.
 */
final class Readiness {
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(ATTEMPT_TIMEOUT)
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  /** Empty when ready; otherwise why not (the probe's last error or how the app ended). */
  Optional<String> await(SessionRuntime runtime, RuntimeSession session) {
    Optional<HealthProbe> probe = session.template().probe();
    Duration timeout = probe.map(HealthProbe::startTimeout).orElse(Duration.ofSeconds(60));
    Instant deadline = Instant.now().plus(timeout);
    String lastError = "no answer yet";
    while (true) {
      ObservedState observed = runtime.inspect(session);
      switch (observed) {
        case ObservedState.Exited e -> {
          return Optional.of(
              "the app exited"
                  + (e.exitCode().isPresent() ? " with code " + e.exitCode().getAsInt() : "")
                  + " before it was ready: "
                  + e.detail());
        }
        case ObservedState.Missing m -> {
          return Optional.of("the session's workspace disappeared: " + m.detail());
        }
        case ObservedState.Running r -> {
          if (probe.isEmpty()) {
            return Optional.empty();
          }
          Optional<String> error = attempt(runtime, session, probe.get(), r.endpoints());
          if (error.isEmpty()) {
            return Optional.empty();
          }
          lastError = error.get();
        }
        case ObservedState.Pending p -> lastError = "still starting: " + p.detail();
        case ObservedState.Prepared p -> lastError = "the app is not running";
        case ObservedState.Unknown u -> lastError = "cannot inspect: " + u.error();
      }
      if (Instant.now().isAfter(deadline)) {
        return Optional.of("not ready after " + timeout.toSeconds() + "s: " + lastError);
      }
      sleep();
    }
  }

  private Optional<String> attempt(
      SessionRuntime runtime, RuntimeSession session, HealthProbe probe, Map<Integer, URI> eps) {
    try {
      return switch (probe) {
        case HealthProbe.Http h -> {
          URI base = endpoint(eps, h.port());
          var request =
              HttpRequest.newBuilder(base.resolve(h.path())).timeout(ATTEMPT_TIMEOUT).GET().build();
          int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
          yield status < 500
              ? Optional.empty()
              : Optional.of("GET " + h.path() + " answered " + status);
        }
        case HealthProbe.Tcp t -> {
          URI base = endpoint(eps, t.port());
          try (var socket = new Socket()) {
            socket.connect(
                new InetSocketAddress(base.getHost(), base.getPort()),
                (int) ATTEMPT_TIMEOUT.toMillis());
          }
          yield Optional.empty();
        }
        case HealthProbe.Exec e -> {
          var result =
              runtime.exec(
                  session,
                  new ExecRequest(
                      e.argv(), WorkspacePath.ROOT, Map.of(), new byte[0], ATTEMPT_TIMEOUT, 4096));
          yield result.exitCode() == 0
              ? Optional.empty()
              : Optional.of(
                  "probe command exited with "
                      + result.exitCode()
                      + ": "
                      + new String(result.stderr(), java.nio.charset.StandardCharsets.UTF_8)
                          .strip());
        }
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    } catch (Exception e) {
      return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static URI endpoint(Map<Integer, URI> endpoints, int port) {
    URI uri = endpoints.get(port);
    if (uri == null) {
      throw new IllegalStateException("no endpoint for probe port " + port + " (not in 'ports'?)");
    }
    return uri;
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
