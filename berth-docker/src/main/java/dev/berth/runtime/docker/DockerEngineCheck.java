package dev.berth.runtime.docker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Does a Docker engine answer? A raw {@code GET /_ping} over the unix socket with a timeout of its
 * own, so that {@code berth doctor} (and tests deciding whether to run) answer in seconds without
 * building a Docker client. Empty when it answers; otherwise why not, in words a user can act on.
 */
public final class DockerEngineCheck {
  private DockerEngineCheck() {}

  /** The unix socket Docker clients would use: DOCKER_HOST if it is unix://, else the default. */
  public static Optional<Path> socket(String configured, Map<String, String> env) {
    String host = !configured.isBlank() ? configured : env.getOrDefault("DOCKER_HOST", "");
    if (host.isBlank()) {
      return Optional.of(Path.of("/var/run/docker.sock"));
    }
    if (host.startsWith("unix://")) {
      return Optional.of(Path.of(host.substring("unix://".length())));
    }
    return Optional.empty(); // tcp:// engines are checked by the Docker backend itself
  }

  public static Optional<String> problem(Path socket) {
    if (!Files.exists(socket)) {
      return Optional.of(
          "no Docker engine socket at "
              + socket
              + " (install docker.io and start dockerd, or set DOCKER_HOST)");
    }
    // A channel read has no timeout of its own: an engine that accepts and hangs must not hang us.
    var ping = java.util.concurrent.CompletableFuture.supplyAsync(() -> ping(socket));
    try {
      return ping.get(3, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      ping.cancel(true);
      return Optional.of("the Docker engine at " + socket + " did not answer within 3s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      return Optional.of("cannot talk to the Docker engine at " + socket + ": " + e.getCause());
    }
  }

  private static Optional<String> ping(Path socket) {
    try (var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      channel.write(
          ByteBuffer.wrap(
              "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer buf = ByteBuffer.allocate(1024);
      int n = channel.read(buf);
      String answer = n > 0 ? new String(buf.array(), 0, n, StandardCharsets.US_ASCII) : "";
      return answer.startsWith("HTTP/1.") && answer.contains(" 200 ")
          ? Optional.empty()
          : Optional.of("the Docker engine at " + socket + " did not answer its ping");
    } catch (IOException e) {
      return Optional.of("cannot talk to the Docker engine at " + socket + ": " + e.getMessage());
    }
  }
}
