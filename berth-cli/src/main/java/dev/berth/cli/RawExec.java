package dev.berth.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The benchmarks' raw baseline for an attached exec: {@code POST /exec/{id}/start} hijacked on a
 * unix socket of its own ({@code Connection: Upgrade}, {@code Upgrade: tcp}, a 101, then the bare
 * stream), which is what {@code docker exec -it} does. Berth's own {@code ExecAttach} is package
 * private to its backend, so the benchmark does the same handshake here, without the engine
 * client's connection pool or Berth's server in between.
 */
final class RawExec implements AutoCloseable {
  private final SocketChannel channel;
  private final ByteBuffer in = ByteBuffer.allocate(16 * 1024).flip();

  private RawExec(SocketChannel channel) {
    this.channel = channel;
  }

  /** Starts the created exec attached and reads the engine's answer up to the stream. */
  static RawExec start(Path socket, String execId, boolean tty) {
    try {
      var exec = new RawExec(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
      String body = "{\"Detach\":false,\"Tty\":" + tty + "}";
      exec.write(
          ("POST /exec/"
                  + execId
                  + "/start HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
                  + "Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body)
              .getBytes(US_ASCII));
      var head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) exec.read());
      }
      if (!head.toString().startsWith("HTTP/1.1 101")) {
        exec.close();
        throw new CliException("the engine refused to start exec " + execId + ": " + head);
      }
      return exec;
    } catch (IOException e) {
      throw new CliException("raw exec on " + socket + " failed: " + e.getMessage());
    }
  }

  /** The next byte of the stream (buffered: one read takes all the engine has sent). */
  int read() throws IOException {
    if (!in.hasRemaining()) {
      in.clear();
      int n = channel.read(in);
      in.flip();
      if (n < 0) {
        throw new IOException("the engine closed the exec's stream");
      }
    }
    return in.get() & 0xff;
  }

  void write(byte[] bytes) throws IOException {
    var b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing left to read from it either way.
    }
  }
}
