package dev.berth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * This command attached to a process in a session (after {@code exec -i/-t}, or {@code attach}):
 * its output here as it comes, this terminal's keys and size there, until it ends; then the command
 * exits with its exit code. Only the wiring of a terminal to the WebSocket lives here: starting,
 * buffering, replay and signals to the process tree are the server's.
 *
 * <p>In a terminal with stdin sent to a process that has one, the terminal is raw: ^C, ^D and ^Z
 * are keys for the process's terminal, and {@code ^]} detaches (the process runs on). Otherwise ^C
 * is passed on as SIGINT to the process (once; a second ^C leaves it running and exits 130).
 */
final class AttachedProcess {
  /** Ctrl-]: telnet's escape key, which no shell or editor binds by default. */
  private static final byte DETACH_KEY = 0x1d;

  private final ApiClient client;
  private final String session;
  private final JsonNode process;
  private final Stdio io;
  private final PrintWriter err;

  AttachedProcess(ApiClient client, String session, JsonNode process, Stdio io, PrintWriter err) {
    this.client = client;
    this.session = session;
    this.process = process;
    this.io = io;
    this.err = err;
  }

  private String pid() {
    return process.get("id").asString();
  }

  /**
   * Attaches from output offset {@code since} (0: all Berth still has), sending stdin when {@code
   * sendStdin}; returns the exit code to leave with. {@code sizeNow}: tell the process this
   * terminal's size at once (a reattach: it may have started in another); a process just started
   * here got it with its start.
   */
  int run(long since, boolean sendStdin, Optional<HostTerminal> terminal, boolean sizeNow) {
    boolean tty = process.path("tty").isObject();
    Optional<HostTerminal> sized = tty ? terminal : Optional.empty();
    boolean raw = sendStdin && sized.isPresent();
    String path =
        "/api/v1/sessions/"
            + ApiClient.encodePath(session)
            + "/processes/"
            + ApiClient.encodePath(pid())
            + "/attach?since="
            + since;
    ProcessSocket socket = ProcessSocket.open(client, path, io, raw);
    ProcessSocket.End end;
    try (AutoCloseable restore = raw ? sized.get().raw() : () -> {}) {
      if (sized.isPresent()) {
        HostTerminal t = sized.get();
        if (sizeNow) {
          resize(socket, t);
        }
        if (!HostTerminal.onResize(() -> resize(socket, t))) {
          err.println("berth: cannot follow this terminal's size changes (no SIGWINCH here)");
          err.flush();
        }
      }
      if (io.jvm() && !raw) {
        passInterrupts(socket);
      }
      if (sendStdin) {
        Thread.ofPlatform()
            .daemon()
            .name("berth-stdin")
            .start(() -> pumpStdin(io.in(), socket, raw));
      }
      end = socket.end().join();
    } catch (Exception e) {
      throw e instanceof CliException c ? c : new CliException("attach failed: " + e);
    }
    return exitCode(end);
  }

  private static void resize(ProcessSocket socket, HostTerminal t) {
    HostTerminal.Size s = t.size();
    try {
      socket.resize(s.cols(), s.rows());
    } catch (IOException ended) {
      // the socket is closing; its end says why
    }
  }

  /**
   * ^C outside raw mode: the first goes to the process as SIGINT (as if it ran here), a second
   * leaves it running and ends this command, for a process that ignores SIGINT.
   */
  private static void passInterrupts(ProcessSocket socket) {
    AtomicInteger seen = new AtomicInteger();
    try {
      sun.misc.Signal.handle(
          new sun.misc.Signal("INT"),
          signal -> {
            if (seen.getAndIncrement() == 0) {
              try {
                socket.signal("INT");
              } catch (IOException ended) {
                socket.detach("interrupted");
              }
            } else {
              socket.detach("interrupted twice");
            }
          });
    } catch (IllegalArgumentException unavailable) {
      // ^C then ends this command only, as it would without the handler
    }
  }

  private static void pumpStdin(InputStream in, ProcessSocket socket, boolean raw) {
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        int keep = raw ? indexOf(buf, n, DETACH_KEY) : -1;
        if (keep >= 0) {
          socket.stdin(buf, 0, keep);
          socket.detach("detached");
          return;
        }
        socket.stdin(buf, 0, n);
      }
      socket.closeStdin(); // end of input: the process reads end-of-file (a terminal: ^D)
    } catch (IOException e) {
      // the socket or our stdin is gone; the socket's end says what happened
    }
  }

  private static int indexOf(byte[] b, int n, byte key) {
    for (int i = 0; i < n; i++) {
      if (b[i] == key) {
        return i;
      }
    }
    return -1;
  }

  private int exitCode(ProcessSocket.End end) {
    String reattach = "berth session attach " + session + " " + pid();
    if (!end.exited()) {
      if (end.closed().startsWith("detached") || end.closed().startsWith("interrupted")) {
        err.println("berth: detached from process " + pid() + ", which runs on (" + reattach + ")");
        err.flush();
        return end.closed().startsWith("interrupted") ? 130 : 0;
      }
      throw new CliException(
          "the connection to process "
              + pid()
              + " ended before the process did: "
              + end.closed()
              + " (it may still run: "
              + reattach
              + ")");
    }
    if (end.exitCode() == null || end.exitCode() < 0) {
      // -1: Berth ended it (a kill, a stop of the session) or could not learn its exit code.
      throw new CliException(
          "process "
              + pid()
              + " ended"
              + (end.endedBy() != null
                  ? ": " + end.endedBy()
                  : " with an exit code Berth does not know"));
    }
    return end.exitCode();
  }
}
