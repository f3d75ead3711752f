package dev.berth.runtime.docker;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ends the handles of started processes when their container stops. The engine normally ends an
 * exec's stream itself when the container stops, but under gVisor it was seen to keep one open, so
 * the process's exit would never complete. One watcher per container with live processes waits for
 * the container to stop ({@code POST /containers/{id}/wait?condition=not-running} on a unix socket
 * of its own, so no pooled connection is held while it waits), then gives each process a short
 * grace to end on its own ({@link DockerProcess#containerStopped}). The watcher goes once the
 * container's last process has ended.
 */
final class ContainerStops {
  private static final Map<String, Watch> WATCHES = new HashMap<>();

  private ContainerStops() {}

  /** Watches {@code containerId} for {@code process} until the process ends. */
  static void watch(DockerEngine engine, String containerId, DockerProcess process) {
    synchronized (WATCHES) {
      Watch watch = WATCHES.get(containerId);
      if (watch == null) {
        watch = new Watch(engine, containerId);
        WATCHES.put(containerId, watch);
        watch.begin();
      }
      watch.processes.add(process);
    }
    process.exit().whenComplete((code, error) -> forget(containerId, process));
  }

  /** Whether a watcher waits on {@code containerId} (for tests). */
  static boolean watching(String containerId) {
    synchronized (WATCHES) {
      return WATCHES.containsKey(containerId);
    }
  }

  private static void forget(String containerId, DockerProcess process) {
    synchronized (WATCHES) {
      Watch watch = WATCHES.get(containerId);
      if (watch != null && watch.processes.remove(process) && watch.processes.isEmpty()) {
        WATCHES.remove(containerId);
        watch.end();
      }
    }
  }

  private static final class Watch {
    private final DockerEngine engine;
    private final String containerId;
    final Set<DockerProcess> processes = new LinkedHashSet<>();
    private volatile SocketChannel channel;
    private volatile boolean ended;

    Watch(DockerEngine engine, String containerId) {
      this.engine = engine;
      this.containerId = containerId;
    }

    void begin() {
      Thread.ofVirtual()
          .name(
              "berth-container-stop-"
                  + containerId.substring(0, Math.min(12, containerId.length())))
          .start(this::run);
    }

    /** No process left to watch for: drops the wait. */
    void end() {
      ended = true;
      SocketChannel c = channel;
      if (c != null) {
        try {
          c.close();
        } catch (IOException e) {
          // nothing left to release
        }
      }
    }

    private void run() {
      try {
        awaitStop();
      } catch (IOException | RuntimeException e) {
        // closed by end(), or the engine went away (which ends the streams too): stop watching
        synchronized (WATCHES) {
          WATCHES.remove(containerId, this);
        }
        return;
      }
      List<DockerProcess> left;
      synchronized (WATCHES) {
        WATCHES.remove(containerId, this);
        left = List.copyOf(processes);
      }
      left.forEach(DockerProcess::containerStopped);
    }

    /**
     * Returns once the engine answered the wait (the container does not run, or is gone) or closed
     * the connection; throws when the wait was dropped.
     */
    private void awaitStop() throws IOException {
      try (SocketChannel c =
          SocketChannel.open(UnixDomainSocketAddress.of(ExecHandshake.unixSocket(engine)))) {
        channel = c;
        if (ended) {
          throw new IOException("no longer watched");
        }
        String request =
            "POST /containers/"
                + containerId
                + "/wait?condition=not-running HTTP/1.1\r\n"
                + "Host: docker\r\nContent-Length: 0\r\n\r\n";
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(US_ASCII));
        while (out.hasRemaining()) {
          c.write(out);
        }
        // The engine may send the head at once and the body (the exit status) only when the
        // container stops: any byte past the head, or the end of the connection, is the answer.
        var seen = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.allocate(4096);
        while (true) {
          in.clear();
          int n = c.read(in);
          if (n < 0) {
            return;
          }
          seen.write(in.array(), 0, n);
          String text = seen.toString(US_ASCII);
          int head = text.indexOf("\r\n\r\n");
          if (head >= 0 && text.length() > head + 4) {
            return;
          }
        }
      }
    }
  }
}
