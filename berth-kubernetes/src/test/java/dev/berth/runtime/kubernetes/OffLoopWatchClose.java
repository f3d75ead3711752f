package dev.berth.runtime.kubernetes;

import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

/**
 * A watch's WebSocket listener in {@link MockCluster}, with its end handled off the mock server's
 * event loop. fabric8's mock (7.8 and 7.9) ends a watch in {@code WatchEventsListener.onClosed} by
 * waiting, on the Vert.x event loop, up to a minute for its event sender to finish; a watch event
 * still being sent needs that same loop, so the loop stands still for the whole minute, and with it
 * every exec, log and request on its connections. The runtime closes a watch after each {@code
 * waitUntilCondition} (a pod that runs, a pod that is gone), and CI twice saw an exec time out in
 * that minute. Handing the end to a thread of its own lets the send finish and the loop go on; what
 * the listener does is unchanged.
 */
final class OffLoopWatchClose extends WebSocketListener {
  private final WebSocketListener delegate;

  OffLoopWatchClose(WebSocketListener delegate) {
    this.delegate = delegate;
  }

  @Override
  public void onBeforeAccept(WebSocket ws, Response response) {
    delegate.onBeforeAccept(ws, response);
  }

  @Override
  public void onOpen(WebSocket ws, Response response) {
    delegate.onOpen(ws, response);
  }

  @Override
  public void onMessage(WebSocket ws, String text) {
    delegate.onMessage(ws, text);
  }

  @Override
  public void onMessage(WebSocket ws, ByteString bytes) {
    delegate.onMessage(ws, bytes);
  }

  @Override
  public void onMessage(WebSocket ws, byte[] bytes) {
    delegate.onMessage(ws, bytes);
  }

  @Override
  public void onClosing(WebSocket ws, int code, String reason) {
    delegate.onClosing(ws, code, reason);
  }

  @Override
  public void onClosed(WebSocket ws, int code, String reason) {
    Thread.ofPlatform()
        .daemon()
        .name("mock-watch-close")
        .start(() -> delegate.onClosed(ws, code, reason));
  }

  @Override
  public void onFailure(WebSocket ws, Throwable t, Response response) {
    Thread.ofPlatform()
        .daemon()
        .name("mock-watch-failure")
        .start(() -> delegate.onFailure(ws, t, response));
  }
}
