package dev.berth.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection driven by hand, for what a client library hides: which bytes go out when,
 * whether an answer arrives before the body is sent, and whether the server keeps the connection
 * for the next request.
 */
public final class RawHttpConnection implements AutoCloseable {
  public record Answer(int status, Map<String, String> headers, String body) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawHttpConnection(String baseUrl) throws IOException {
    URI uri = URI.create(baseUrl);
    socket = new Socket(uri.getHost(), uri.getPort());
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Sends a request head; {@code headers} are written as given, one per line. */
  public void head(String method, String path, String... headers) throws IOException {
    var text = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n");
    for (String header : headers) {
      text.append(header).append("\r\n");
    }
    out.write(text.append("\r\n").toString().getBytes(ISO_8859_1));
    out.flush();
  }

  public void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * Sends the first half of {@code body}, then the rest a moment later, as a client on a slower
   * network does: a server that refuses the request does so while the body is still coming. A body
   * sent in one go over loopback is already in Jetty's buffer when the answer is done, and Jetty
   * reads it on its own, which hid an unread body from plain tests.
   */
  public void sendWithAPause(byte[] body) throws IOException, InterruptedException {
    int half = body.length / 2;
    send(java.util.Arrays.copyOfRange(body, 0, half));
    Thread.sleep(500); // the client is still busy: the server must not give up on it meanwhile
    send(java.util.Arrays.copyOfRange(body, half, body.length));
  }

  /** Reads one whole answer (a 1xx interim answer counts as one). */
  public Answer read() throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("the server closed the connection without an answer");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(); line != null && !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    String body = code < 200 ? "" : new String(body(headers), UTF_8);
    return new Answer(code, headers, body);
  }

  private byte[] body(Map<String, String> headers) throws IOException {
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      var all = new ByteArrayOutputStream();
      for (int size = Integer.parseInt(line().trim(), 16);
          size > 0;
          size = Integer.parseInt(line().trim(), 16)) {
        all.write(in.readNBytes(size));
        line();
      }
      line();
      return all.toByteArray();
    }
    return in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
  }

  private String line() throws IOException {
    var bytes = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        return bytes.size() == 0 ? null : bytes.toString(ISO_8859_1);
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    return bytes.toString(ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
