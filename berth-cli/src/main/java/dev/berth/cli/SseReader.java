package dev.berth.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads a Server-Sent Events stream (the server's event stream, a process's output) one message at
 * a time: its {@code event}, its {@code data} lines joined, its {@code id}; comments are skipped.
 */
final class SseReader implements AutoCloseable {
  /** One message; {@code event} is "message" when the server named none. */
  record Message(String event, String data, String id) {}

  private final BufferedReader in;

  SseReader(InputStream stream) {
    this.in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
  }

  /** The next message, or null when the stream ended. */
  Message next() throws IOException {
    String event = "message";
    String id = null;
    StringBuilder data = null;
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isEmpty()) {
        if (data != null) {
          return new Message(event, data.toString(), id);
        }
        continue; // a comment's or a heartbeat's end
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> event = value;
        case "id" -> id = value;
        case "data" ->
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> {} // retry and unknown fields: nothing to do for a CLI
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
