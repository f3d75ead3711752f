package dev.berth.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link KubeletStandIn}'s exec with {@code tty=true}: the command runs in a terminal through
 * Docker's exec API (docker-java, with {@code Tty} set), as a kubelet runs it through its container
 * runtime. Everything the terminal prints goes out on channel 1 (a kubelet drops stderr with a
 * terminal); channel 0 is typed into it; a resize on channel 4 ({@code {"Width":w,"Height":h}})
 * becomes Docker's exec resize; the exit status is a {@code Status} on channel 3.
 *
 * <p>Stdin and resize frames are handled by one thread in the order they came, and a resize returns
 * only once the engine has resized the terminal, so input sent after a resize finds the new size (a
 * kubelet handles the two on separate goroutines; a client that needs the order waits for the
 * process's answer). The docker CLI cannot do this here: {@code docker exec -t} wants a terminal of
 * its own, and its resizes go through SIGWINCH, later than the input after them.
 *
 * <p>Closing the WebSocket ends the stream, not the command inside, as with a kubelet.
 */
final class StandInTtyExec extends WebSocketListener {
  private static final Pattern SIZE = Pattern.compile("\"(Width|Height)\"\\s*:\\s*(\\d+)");
  private static volatile DockerClient docker;

  private final String container;
  private final List<String> command;
  private final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
  private final BlockingQueue<byte[]> typed = new LinkedBlockingQueue<>();
  private volatile String execId;
  private volatile ResultCallback.Adapter<Frame> stream;
  private volatile boolean over;

  StandInTtyExec(String container, List<String> command) {
    this.container = container;
    this.command = command;
  }

  private static DockerClient docker() {
    if (docker == null) {
      synchronized (StandInTtyExec.class) {
        if (docker == null) {
          var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
          var http =
              new ApacheDockerHttpClient.Builder()
                  .dockerHost(config.getDockerHost())
                  .sslConfig(config.getSSLConfig())
                  .maxConnections(128)
                  .build();
          docker = DockerClientImpl.getInstance(config, http);
        }
      }
    }
    return docker;
  }

  @Override
  public void onOpen(WebSocket ws, Response response) {
    // off the mock server's event loop: everything below may block
    Thread.ofPlatform().daemon().start(() -> run(ws));
  }

  private void run(WebSocket ws) {
    try {
      execId =
          docker()
              .execCreateCmd(container)
              .withTty(true)
              .withAttachStdin(true)
              .withAttachStdout(true)
              .withAttachStderr(true)
              .withCmd(command.toArray(String[]::new))
              .exec()
              .getId();
      var callback =
          new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
              byte[] payload = frame.getPayload();
              if (payload != null && payload.length > 0) {
                KubeletStandIn.send(ws, 1, payload, payload.length); // blocks: backpressure
              }
            }
          };
      stream = docker().execStartCmd(execId).withTty(true).withStdIn(new Typed()).exec(callback);
      Thread.ofPlatform().daemon().start(this::handleFrames);
      callback.awaitCompletion();
      Long code = exitCode();
      byte[] status = KubeletStandIn.status(code == null ? -1 : code.intValue());
      KubeletStandIn.send(ws, 3, status, status.length);
      ws.close(1000, "");
    } catch (RuntimeException | InterruptedException e) {
      ws.close(1011, String.valueOf(e.getMessage()));
    } finally {
      over = true;
    }
  }

  /** The exec's exit code; the engine may take a moment after the stream to record it. */
  private Long exitCode() throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      try {
        var inspect = docker().inspectExecCmd(execId).exec();
        if (!Boolean.TRUE.equals(inspect.isRunning())) {
          return inspect.getExitCodeLong();
        }
      } catch (RuntimeException e) {
        return null; // the container went (a deleted pod)
      }
      Thread.sleep(20); // the engine has no event for an exec's end: ask again, bounded above
    }
    return null;
  }

  private void handleFrames() {
    try {
      while (!over) {
        byte[] frame = frames.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (frame == null) {
          continue;
        }
        if (frame[0] == 0) {
          typed.add(Arrays.copyOfRange(frame, 1, frame.length));
        } else if (frame[0] == 4) {
          resize(new String(frame, 1, frame.length - 1, UTF_8));
        }
      }
    } catch (InterruptedException e) {
      // the stream is over
    }
  }

  private void resize(String json) throws InterruptedException {
    int width = 0;
    int height = 0;
    Matcher m = SIZE.matcher(json);
    while (m.find()) {
      if (m.group(1).equals("Width")) {
        width = Integer.parseInt(m.group(2));
      } else {
        height = Integer.parseInt(m.group(2));
      }
    }
    // A resize sent right after the exec can come before the engine runs the command: retry.
    for (int i = 0; i < 50 && !over; i++) {
      try {
        docker().resizeExecCmd(execId).withSize(height, width).exec();
        return;
      } catch (RuntimeException e) {
        Thread.sleep(20);
      }
    }
  }

  @Override
  public void onMessage(WebSocket ws, byte[] bytes) {
    if (bytes.length > 1 && (bytes[0] == 0 || bytes[0] == 4)) {
      frames.add(bytes);
    }
  }

  @Override
  public void onClosing(WebSocket ws, int code, String reason) {
    stop();
  }

  @Override
  public void onClosed(WebSocket ws, int code, String reason) {
    stop();
  }

  private void stop() {
    over = true;
    var s = stream;
    if (s != null) {
      try {
        s.close(); // like a kubelet, this ends the stream, not the process inside
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  /** The exec's stdin: what arrived on channel 0, until the stream is over. */
  private final class Typed extends InputStream {
    private byte[] current = new byte[0];
    private int at;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        while (at >= current.length) {
          if (over) {
            return -1;
          }
          byte[] next = typed.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
          if (next != null) {
            current = next;
            at = 0;
          }
        }
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      }
      int n = Math.min(len, current.length - at);
      System.arraycopy(current, at, b, off, n);
      at += n;
      return n;
    }
  }
}
