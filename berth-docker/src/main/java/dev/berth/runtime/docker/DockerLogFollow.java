package dev.berth.runtime.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import dev.berth.runtime.LogSink;
import java.io.IOException;

/**
 * A container's log followed through the engine ({@code GET /containers/{id}/logs?follow=1}, as
 * {@code docker logs -f}): the last lines, then each write as the engine reads it, until closed or
 * until the container stops (the engine then ends the stream). It holds one of the client's pooled
 * connections while open, which is why the edge bounds how many there are.
 */
final class DockerLogFollow implements AutoCloseable {
  private final ResultCallback.Adapter<Frame> callback;
  private volatile boolean closed;

  private DockerLogFollow(String container, LogSink sink) {
    this.callback =
        new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Frame frame) {
            if (closed) {
              return;
            }
            byte[] payload = frame.getPayload();
            try {
              sink.output(payload, 0, payload.length);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              DockerLogFollow.this.close();
            }
          }

          @Override
          public void onError(Throwable error) {
            if (!closed) {
              sink.end(
                  DockerEngine.isNotFound(error)
                      ? "there is no container " + container
                      : "cannot read the log of " + container + ": " + DockerEngine.reason(error));
            }
            quietClose(this);
          }

          @Override
          public void onComplete() {
            if (!closed) {
              sink.end("container " + container + " is not running");
            }
            quietClose(this);
          }
        };
  }

  /** Follows {@code container}'s output from its last {@code lines} lines. */
  static DockerLogFollow start(DockerEngine engine, String container, int lines, LogSink sink) {
    var follow = new DockerLogFollow(container, sink);
    engine
        .client
        .logContainerCmd(container)
        .withStdOut(true)
        .withStdErr(true)
        .withTail(Math.max(0, lines))
        .withFollowStream(true)
        .exec(follow.callback);
    return follow;
  }

  private static void quietClose(ResultCallback.Adapter<Frame> callback) {
    try {
      callback.close();
    } catch (IOException e) {
      // the stream is gone either way
    }
  }

  @Override
  public void close() {
    closed = true;
    quietClose(callback);
  }
}
