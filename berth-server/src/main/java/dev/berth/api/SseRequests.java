package dev.berth.api;

import dev.berth.base.BerthException;
import io.javalin.http.Context;

/** What every Server-Sent Events route checks before its stream begins. */
final class SseRequests {
  private SseRequests() {}

  /**
   * A 400 unless the client asked for an event stream: Javalin serves the stream only to clients
   * that send {@code Accept: text/event-stream}, and answers anyone else an empty 200, which looks
   * like a stream that had nothing to say. {@code alternative} tells such a client what to call
   * instead, or is empty.
   */
  static void requireEventStream(Context ctx, String alternative) {
    String accept = ctx.header("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      throw BerthException.badRequest(
          "this is a Server-Sent Events stream: send 'Accept: text/event-stream'"
              + (alternative.isEmpty() ? "" : " (" + alternative + ")"));
    }
  }
}
