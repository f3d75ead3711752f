package dev.berth.runtime.local;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessSpec;
import dev.berth.runtime.TtySize;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a process with a handle in a pseudo-terminal of its own (JetBrains pty4j, whose native
 * helper makes the child a session and group leader with the terminal as its controlling one).
 * Stdout and stderr both go to the terminal, so all output arrives as stdout.
 */
final class LocalTerminal {
  private LocalTerminal() {}

  static LocalStartedProcess start(
      ProcessSpec spec,
      TtySize size,
      Path cwd,
      Map<String, String> env,
      String marker,
      ProcessSink sink,
      Runnable onEnd) {
    // pty4j replaces the environment rather than adding to it, unlike ProcessBuilder.
    Map<String, String> full = new HashMap<>(System.getenv());
    full.put("TERM", "xterm"); // what the client's terminal is is its business; xterm is a floor
    full.putAll(env);
    PtyProcess process;
    try {
      process =
          new PtyProcessBuilder(withSize(spec.argv(), size).toArray(String[]::new))
              .setDirectory(cwd.toString())
              .setEnvironment(full)
              .setInitialColumns(size.columns())
              .setInitialRows(size.rows())
              .setRedirectErrorStream(true)
              // We hold the slave side open too, so a read on the master never ends with EIO in
              // a moment no process of the terminal holds it (reads end once pty4j reaped the
              // leader), and a read that ends never leads to closing the master under a live shell.
              .setUnixOpenTtyToPreserveOutputAfterTermination(true)
              .start();
    } catch (IOException e) {
      throw BerthException.badRequest("cannot run '" + spec.argv().get(0) + "': " + e.getMessage());
    } catch (LinkageError e) {
      throw new BerthException(
          ErrorCode.UNSUPPORTED,
          "the local backend cannot open a terminal on this machine (pty4j's native library did"
              + " not load: "
              + e.getMessage()
              + ")",
          e);
    }
    return new LocalStartedProcess(
        process,
        marker,
        spec.stdin(),
        Optional.of(s -> process.setWinSize(new WinSize(s.columns(), s.rows()))),
        Thread.ofPlatform().daemon().name("berth-terminal-" + process.pid()).factory(),
        sink,
        onEnd);
  }

  /**
   * The command behind a prelude that sets the terminal's size: pty4j sets it only after the fork,
   * so a command that asks at once (stty size, a full-screen program drawing its first screen)
   * would see 0x0 now and then.
   */
  private static List<String> withSize(List<String> argv, TtySize size) {
    List<String> out = new ArrayList<>();
    out.add("/bin/sh");
    out.add("-c");
    out.add("stty cols " + size.columns() + " rows " + size.rows() + " 2>/dev/null; exec \"$@\"");
    out.add("sh");
    out.addAll(argv);
    return out;
  }
}
