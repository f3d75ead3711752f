package dev.berth.runtime.docker;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The HTTP part of {@link ExecAttach}'s hand-made hijack (see there for why it exists): where the
 * engine's unix socket is, and {@code POST /exec/{id}/start} with {@code Upgrade: tcp} on a socket
 * of our own, up to the engine's {@code 101}. After that the socket carries the exec's bare stream.
 */
final class ExecHandshake {
  private static final int MAX_HEAD_BYTES = 16 * 1024;

  private ExecHandshake() {}

  /** Sends the start request and reads the answer's head; the stream that follows it. */
  static InputStream start(SocketChannel channel, String execId, boolean tty) {
    try {
      byte[] body = ("{\"Detach\":false,\"Tty\":" + tty + "}").getBytes(UTF_8);
      String head =
          "POST /exec/"
              + execId
              + "/start HTTP/1.1\r\n"
              + "Host: docker\r\n"
              + "Content-Type: application/json\r\n"
              + "Connection: Upgrade\r\n"
              + "Upgrade: tcp\r\n"
              + "Content-Length: "
              + body.length
              + "\r\n\r\n";
      // One write, as the docker CLI's request goes: the engine reads the head and body at once.
      byte[] headBytes = head.getBytes(US_ASCII);
      byte[] request = new byte[headBytes.length + body.length];
      System.arraycopy(headBytes, 0, request, 0, headBytes.length);
      System.arraycopy(body, 0, request, headBytes.length, body.length);
      writeAll(channel, request);
      var in = new BufferedInputStream(new ChannelInput(channel), 16 * 1024);
      String status = line(in);
      long contentLength = -1;
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          contentLength = Long.parseLong(h.substring(h.indexOf(':') + 1).strip());
        }
      }
      String[] parts = status.split(" ", 3);
      int code = parts.length >= 2 && parts[1].matches("\\d{3}") ? Integer.parseInt(parts[1]) : 0;
      if (code == 101) {
        return in;
      }
      byte[] answer = in.readNBytes((int) Math.min(contentLength < 0 ? 4096 : contentLength, 4096));
      String why = message(answer);
      ErrorCode error =
          switch (code) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 409 -> ErrorCode.CONFLICT;
            default -> ErrorCode.RUNTIME_FAILURE;
          };
      throw new BerthException(
          error, "Docker: cannot start exec " + execId + ": " + (code == 0 ? status : why));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Docker's {@code {"message":"..."}} body as its message, else the body as text. */
  private static String message(byte[] body) {
    String text = new String(body, UTF_8).strip();
    int start = text.indexOf("\"message\":\"");
    if (start >= 0) {
      int from = start + "\"message\":\"".length();
      int end = text.indexOf('"', from);
      if (end > from) {
        return text.substring(from, end);
      }
    }
    return text;
  }

  /** Whether Berth can attach to this engine's execs itself: it is on a unix socket. */
  static boolean attachable(DockerEngine engine) {
    return engine
        .host
        .filter(h -> "unix".equals(h.getScheme()) && h.getPath() != null && !h.getPath().isEmpty())
        .isPresent();
  }

  /** The engine's unix socket, or UNSUPPORTED. */
  static Path unixSocket(DockerEngine engine) {
    URI host =
        engine.host.orElseThrow(
            () ->
                new BerthException(
                    ErrorCode.UNSUPPORTED,
                    "attached execs need an engine Berth connected to itself (its address is"
                        + " unknown for a client made elsewhere)"));
    if (!"unix".equals(host.getScheme()) || host.getPath() == null || host.getPath().isEmpty()) {
      throw new BerthException(
          ErrorCode.UNSUPPORTED,
          "attached execs (streamed stdin and output) need a Docker engine on a unix socket;"
              + " this one is at "
              + host);
    }
    return Path.of(host.getPath());
  }

  private static String line(InputStream in) throws IOException {
    var bytes = new ByteArrayOutputStream();
    int total = 0;
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new EOFException("the engine closed the connection before answering");
      }
      if (++total > MAX_HEAD_BYTES) {
        throw new IOException("the engine's answer has a head of more than " + MAX_HEAD_BYTES);
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    return bytes.toString(US_ASCII);
  }

  private static void writeAll(SocketChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /**
   * The socket as an InputStream. Not {@code Channels.newInputStream}: on some JDKs its streams
   * share the channel's blocking lock, so a blocked read would hold back stdin writes.
   */
  private static final class ChannelInput extends InputStream {
    private final SocketChannel channel;

    ChannelInput(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
    }
  }
}
