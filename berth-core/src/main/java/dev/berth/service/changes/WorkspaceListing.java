package dev.berth.service.changes;

import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.WorkspaceChange;
import dev.berth.runtime.WorkspacePath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A listing of every file (not directory) in a workspace with its size and modification time, made
 * by one command in the session ({@code find} and {@code stat}, which busybox and coreutils both
 * have, with nanosecond times), for backends without a native watcher: two listings compared give
 * the paths created, modified or deleted between them.
 */
final class WorkspaceListing {
  /** The most listing output one poll keeps: about 50,000 files. */
  static final int MAX_BYTES = 4 << 20;

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private WorkspaceListing() {}

  static ExecRequest request() {
    return new ExecRequest(
        List.of("find", ".", "!", "-type", "d", "-exec", "stat", "-c", "%s|%y|%n", "{}", "+"),
        WorkspacePath.ROOT,
        Map.of(),
        new byte[0],
        TIMEOUT,
        MAX_BYTES);
  }

  /** Why a listing cannot be used, or empty when it can. */
  static Optional<String> problem(ExecResult r) {
    if (r.timedOut()) {
      return Optional.of("listing the workspace took longer than " + TIMEOUT.toSeconds() + "s");
    }
    if (r.stdoutTruncated()) {
      return Optional.of(
          "the workspace lists more than " + MAX_BYTES + " bytes of files (about 50,000 files)");
    }
    String err = new String(r.stderr(), StandardCharsets.UTF_8);
    // find exits 1 when a file goes between its listing and stat: the rest is still right.
    if (r.exitCode() != 0 && r.stdout().length == 0 && !err.contains("No such file")) {
      return Optional.of(
          "the session's image cannot list its files with find and stat (exit "
              + r.exitCode()
              + (err.isBlank() ? "" : ": " + err.strip())
              + ")");
    }
    return Optional.empty();
  }

  /** Path to "size|mtime" for each line {@code size|mtime|./path}. */
  static Map<String, String> parse(byte[] stdout) {
    Map<String, String> files = new HashMap<>();
    for (String line : new String(stdout, StandardCharsets.UTF_8).split("\n")) {
      int a = line.indexOf('|');
      int b = a < 0 ? -1 : line.indexOf('|', a + 1);
      if (b < 0 || !line.startsWith("./", b + 1)) {
        continue; // a name with a newline in it, or stat's complaint: not a listing line
      }
      files.put(line.substring(b + 3), line.substring(0, b));
    }
    return files;
  }

  /** What differs from {@code before} to {@code after}. */
  static List<WorkspaceChange> diff(Map<String, String> before, Map<String, String> after) {
    List<WorkspaceChange> changes = new ArrayList<>();
    for (var e : after.entrySet()) {
      if (!e.getValue().equals(before.get(e.getKey()))) {
        path(e.getKey()).ifPresent(p -> changes.add(new WorkspaceChange(p, false)));
      }
    }
    for (String gone : before.keySet()) {
      if (!after.containsKey(gone)) {
        path(gone).ifPresent(p -> changes.add(new WorkspaceChange(p, true)));
      }
    }
    return changes;
  }

  private static Optional<WorkspacePath> path(String raw) {
    try {
      return Optional.of(WorkspacePath.parse(raw));
    } catch (RuntimeException notAWorkspacePath) {
      return Optional.empty();
    }
  }
}
