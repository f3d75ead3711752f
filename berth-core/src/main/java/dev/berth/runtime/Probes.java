package dev.berth.runtime;

import dev.berth.template.HealthProbe;
import dev.berth.template.SessionContainer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One attempt of a template's probe against a session: at start (readiness) and, once it runs, at
 * the template's health-check interval. The same code for both, so "ready" and "healthy" mean the
 * same thing. It lives beside the SPI because a backend asks it too: Docker waits, at a start,
 * until the containers another one names with {@code after: {type: ready}} answer theirs.
 */
public final class Probes {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(CONNECT_TIMEOUT)
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  /**
   * Empty when the probe passed, else what went wrong. Never throws.
   *
   * @param probe the session's probe, its path already expanded for the session ({@link
   *     dev.berth.template.Template#forSession})
   * @param addresses where the app listens per port: {@link
   *     dev.berth.runtime.ObservedState.Running#probeAddresses}, never the user-facing endpoints (a
   *     port proxy in front of the app would answer for it)
   */
  public Optional<String> attempt(
      SessionRuntime runtime,
      RuntimeSession session,
      HealthProbe probe,
      Map<Integer, URI> addresses,
      Duration timeout) {
    return attempt(runtime, session, SessionContainer.MAIN, probe, addresses, timeout);
  }

  /** As above, for one container of the session: an exec probe runs in that container. */
  public Optional<String> attempt(
      SessionRuntime runtime,
      RuntimeSession session,
      String container,
      HealthProbe probe,
      Map<Integer, URI> addresses,
      Duration timeout) {
    try {
      return switch (probe) {
        case HealthProbe.Http h -> {
          URI base = address(addresses, h.port());
          var request =
              HttpRequest.newBuilder(base.resolve(h.path())).timeout(timeout).GET().build();
          int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
          yield status < 500
              ? Optional.empty()
              : Optional.of("GET " + h.path() + " answered " + status);
        }
        case HealthProbe.Tcp t -> {
          URI base = address(addresses, t.port());
          try (var socket = new Socket()) {
            socket.connect(
                new InetSocketAddress(base.getHost(), base.getPort()), (int) timeout.toMillis());
          }
          yield Optional.empty();
        }
        case HealthProbe.Exec e -> {
          var result =
              runtime
                  .workspace(session, container)
                  .exec(
                      new ExecRequest(
                          e.argv(), WorkspacePath.ROOT, Map.of(), new byte[0], timeout, 4096));
          yield result.exitCode() == 0
              ? Optional.empty()
              : Optional.of(
                  "probe command exited with "
                      + result.exitCode()
                      + (result.timedOut() ? " (timed out)" : "")
                      + ": "
                      + new String(result.stderr(), StandardCharsets.UTF_8).strip());
        }
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    } catch (NoProbeAddress e) {
      return Optional.of(e.getMessage());
    } catch (Exception e) {
      return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** A probe's port has no address: the user's to fix, said in their words, no class name. */
  private static final class NoProbeAddress extends RuntimeException {
    NoProbeAddress(String message) {
      super(message);
    }
  }

  private static URI address(Map<Integer, URI> addresses, int port) {
    URI uri = addresses.get(port);
    if (uri == null) {
      throw new NoProbeAddress(
          "no address to probe port "
              + port
              + " at: add it to the template's 'ports', or probe one of "
              + addresses.keySet());
    }
    return uri;
  }
}
