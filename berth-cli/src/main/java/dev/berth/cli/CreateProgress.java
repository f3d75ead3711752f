package dev.berth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What {@code session create} shows while it waits: the session's events (created, each status
 * change, image build steps, probe waits) from the event stream, one line each on standard error,
 * as they happen. The stream is opened before the create is sent (the server subscribes it before
 * it answers), so nothing between the two is missed. Progress is a nicety: a stream that cannot be
 * opened (an old server, the per-token limit) only means no progress lines.
 */
final class CreateProgress implements AutoCloseable {
  private final InputStream stream;
  private final PrintWriter err;
  private final Thread reader;
  private boolean closed;
  private String lastStatus = "";

  private CreateProgress(InputStream stream, PrintWriter err) {
    this.stream = stream;
    this.err = err;
    this.reader = Thread.ofVirtual().name("berth-create-progress").unstarted(this::read);
  }

  /** Starts following {@code sessionId}'s events; stop with {@link #close} before printing on. */
  static CreateProgress follow(ApiClient client, String sessionId, PrintWriter err) {
    InputStream in;
    try {
      in = client.stream("/api/v1/events?session=" + ApiClient.query(sessionId), Map.of());
      err.println("creating session " + sessionId + "...");
      err.flush();
    } catch (CliException e) {
      in = InputStream.nullInputStream(); // no progress; the create says what is wrong
    }
    var progress = new CreateProgress(in, err);
    progress.reader.start();
    return progress;
  }

  private void read() {
    try (var events = new SseReader(stream)) {
      SseReader.Message m;
      while ((m = events.next()) != null) {
        JsonNode e = ApiClient.JSON.readTree(m.data());
        synchronized (this) {
          if (closed) {
            return;
          }
          // A status change says itself ("starting"); any other event says what kind it is.
          String type = e.path("type").asString();
          err.println(
              "  " + (type.equals("status") ? "" : type + ": ") + e.path("message").asString());
          err.flush();
          if (type.equals("status")) {
            lastStatus = e.path("message").asString();
            notifyAll();
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // closed under it, or broken off: either way, no more progress to show
    }
  }

  /**
   * Lets the stream catch up with the create's answer: events reach it a moment after they are
   * recorded, so the last ones may still be on their way when the answer is in. Waits (at most 2 s)
   * until a status event says {@code status} (the session's status in the answer).
   */
  void awaitStatus(String status) {
    long until = System.nanoTime() + 2_000_000_000L;
    synchronized (this) {
      while (!lastStatus
              .toLowerCase(java.util.Locale.ROOT)
              .startsWith(status.toLowerCase(java.util.Locale.ROOT))
          && reader.isAlive()) {
        long left = (until - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return;
        }
        try {
          wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    try {
      stream.close();
    } catch (IOException e) {
      // nothing more to read from it anyway
    }
    try {
      reader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
