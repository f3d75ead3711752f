package dev.berth.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The terminal the {@code berth} command runs in (its standard input), driven through {@code stty}
 * rather than a native library: {@code stty} with the JVM's own standard input inherited acts on
 * that terminal, which is all raw mode and the size need, and every Unix has it. JLine would do the
 * same through JNA or FFM and add a dependency for it.
 */
final class HostTerminal {
  /**
   * A terminal's size; a terminal that reports 0 (some do, before the first resize) counts as 80 ×
   * 24.
   */
  record Size(int cols, int rows) {}

  private final String saved;

  private HostTerminal(String saved) {
    this.saved = saved;
  }

  /** The terminal on standard input, or empty when standard input is not a terminal. */
  static Optional<HostTerminal> onStdin() {
    // `stty -g` fails ("Inappropriate ioctl for device") on a pipe or a file: that is the test.
    return stty("-g").map(HostTerminal::new);
  }

  /** The terminal's size now ({@code stty size} says "rows cols"). */
  Size size() {
    String[] rowsCols = stty("size").orElse("").split("\\s+");
    try {
      int rows = Integer.parseInt(rowsCols[0]);
      int cols = Integer.parseInt(rowsCols[1]);
      if (rows > 0 && cols > 0) {
        return new Size(cols, rows);
      }
    } catch (RuntimeException unreadable) {
      // as a terminal that reports no size
    }
    return new Size(80, 24);
  }

  /**
   * Raw mode: every key goes to the process as typed (^C and ^D included, the remote terminal
   * interprets them) and nothing is echoed here (the remote terminal echoes). The returned handle
   * puts the terminal back as it was; so does a shutdown hook, for a JVM that ends another way
   * (SIGTERM, SIGHUP, an uncaught error), since a shell left in raw mode is unusable.
   */
  AutoCloseable raw() {
    Thread restore = new Thread(this::restore, "berth-terminal-restore");
    Runtime.getRuntime().addShutdownHook(restore);
    if (stty("raw", "-echo").isEmpty()) {
      throw new CliException("cannot put the terminal in raw mode (stty raw -echo failed)");
    }
    return () -> {
      restore();
      try {
        Runtime.getRuntime().removeShutdownHook(restore);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    };
  }

  private void restore() {
    stty(saved);
  }

  /**
   * Calls {@code resized} after each change of the terminal's size. The kernel tells the terminal's
   * foreground processes with SIGWINCH, and {@code sun.misc.Signal} (jdk.unsupported, as JLine uses
   * it) lets the JVM catch it: no polling of {@code stty size}, which would start a process every
   * interval and still lag. Where the JVM cannot catch it, the size given at the start stays (said
   * once on stderr by the caller's {@code false}).
   */
  static boolean onResize(Runnable resized) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), signal -> resized.run());
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
      return false;
    }
  }

  /** Runs stty on the JVM's standard input; its output, or empty when it failed. */
  private static Optional<String> stty(String... args) {
    String[] argv = new String[args.length + 1];
    argv[0] = "stty";
    System.arraycopy(args, 0, argv, 1, args.length);
    try {
      Process p =
          new ProcessBuilder(argv)
              .redirectInput(ProcessBuilder.Redirect.INHERIT)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor() == 0 ? Optional.of(out) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // no stty: as good as no terminal
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
