package dev.berth.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import tools.jackson.databind.JsonNode;

/**
 * The CLI's end of a process's WebSocket ({@code .../processes/{pid}/attach}, framed as api.md's
 * table says: one channel byte, then the payload). Output goes to {@code out} and {@code err} as it
 * comes, and the next message is asked for only once the last one is written, so a slow terminal
 * holds a foreground process back instead of filling memory. Stdin, resizes and signals go the
 * other way, one message at a time (the JDK's WebSocket allows one send in flight).
 */
final class ProcessSocket implements WebSocket.Listener {
  static final byte STDIN = 0, STDOUT = 1, STDERR = 2, EXIT = 3, RESIZE = 4, SIGNAL = 5;
  static final byte CLOSE_STDIN = 6, SKIPPED = 7;

  /**
   * How the socket ended: with the process's exit ({@code exitCode} null when Berth could not know
   * it), or closed before that ({@code closed} says how: a detach, the server going away).
   */
  record End(boolean exited, Integer exitCode, String endedBy, String closed) {}

  private final OutputStream out;
  private final OutputStream err;
  private final String newline;
  private final CompletableFuture<End> end = new CompletableFuture<>();
  private final ByteArrayOutputStream control = new ByteArrayOutputStream();
  private volatile WebSocket ws;
  private volatile End exit;

  /** The channel of the message whose parts are arriving; -1 between messages. */
  private int channel = -1;

  private ProcessSocket(OutputStream out, OutputStream err, boolean raw) {
    this.out = out;
    this.err = err;
    this.newline = raw ? "\r\n" : "\n"; // a terminal in raw mode does not add the \r itself
  }

  /** Attaches to the process at {@code path} (its attach URL, with {@code ?since=}). */
  static ProcessSocket open(ApiClient client, String path, Stdio io, boolean raw) {
    var socket = new ProcessSocket(io.out(), io.err(), raw);
    socket.ws = client.webSocket(path, socket);
    return socket;
  }

  /** Completes when the process ended (its exit came) or the socket closed. */
  CompletableFuture<End> end() {
    return end;
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    try {
      if (channel < 0 && data.hasRemaining()) {
        channel = data.get();
        control.reset();
      }
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      switch (channel) {
        case STDOUT -> write(out, bytes);
        case STDERR -> write(err, bytes);
        case EXIT, SKIPPED -> control.write(bytes, 0, bytes.length);
        default -> {} // a channel this client does not know: nothing to show
      }
      if (last) {
        if (channel == EXIT) {
          JsonNode e = ApiClient.JSON.readTree(control.toByteArray());
          JsonNode code = e.path("exitCode");
          exit =
              new End(
                  true,
                  code.isNumber() ? code.asInt() : null,
                  e.path("endedBy").isString() ? e.path("endedBy").asString() : null,
                  null);
        } else if (channel == SKIPPED) {
          long skipped = ApiClient.JSON.readTree(control.toByteArray()).path("skipped").asLong();
          write(err, ("berth: " + skipped + " bytes of output were no longer kept" + newline));
        }
        channel = -1;
      }
      webSocket.request(1);
    } catch (IOException e) {
      // Our own output is gone (a closed pipe): nobody reads the process any more.
      finish("cannot write the output here: " + e.getMessage());
      webSocket.abort();
    }
    return null;
  }

  private static void write(OutputStream to, byte[] bytes) throws IOException {
    to.write(bytes);
    to.flush();
  }

  private static void write(OutputStream to, String text) throws IOException {
    write(to, text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    webSocket.request(1); // Berth sends binary messages only
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    finish("closed by the server (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")");
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    finish("the connection failed: " + error.getMessage());
  }

  private void finish(String closed) {
    End e = exit;
    end.complete(e != null ? e : new End(false, null, null, closed));
  }

  void stdin(byte[] data, int offset, int length) throws IOException {
    send(STDIN, data, offset, length);
  }

  void closeStdin() throws IOException {
    send(CLOSE_STDIN, new byte[0], 0, 0);
  }

  void resize(int cols, int rows) throws IOException {
    byte[] size = ApiClient.JSON.writeValueAsBytes(Map.of("cols", cols, "rows", rows));
    send(RESIZE, size, 0, size.length);
  }

  void signal(String name) throws IOException {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    send(SIGNAL, b, 0, b.length);
  }

  /** Leaves the process running: a normal close, which Berth takes as this client detaching. */
  void detach(String why) {
    finish(why);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "detached");
  }

  private synchronized void send(byte on, byte[] data, int offset, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length + 1);
    b.put(on).put(data, offset, length).flip();
    try {
      ws.sendBinary(b, true).get();
    } catch (ExecutionException e) {
      throw new IOException("cannot send to the process: " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
