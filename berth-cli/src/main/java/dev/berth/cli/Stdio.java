package dev.berth.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The byte streams a command that runs a process reads and writes: the process's output is bytes (a
 * terminal's escape sequences, a tar piped out), so it goes to {@code out} as it came, not through
 * the command's {@code PrintWriter}. {@code jvm} is true for the JVM's own streams: only then is
 * there a terminal to put in raw mode and signals to handle; a test gives streams of its own and
 * gets neither.
 */
record Stdio(InputStream in, OutputStream out, OutputStream err, boolean jvm) {
  static Stdio system() {
    return new Stdio(System.in, System.out, System.err, true);
  }

  /** The terminal on standard input, or empty when there is none (or the streams are a test's). */
  Optional<HostTerminal> terminal() {
    return jvm ? HostTerminal.onStdin() : Optional.empty();
  }
}
