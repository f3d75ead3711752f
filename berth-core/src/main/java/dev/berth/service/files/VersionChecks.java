package dev.berth.service.files;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.FileEntry;
import dev.berth.runtime.WorkspaceAccess;
import dev.berth.runtime.WorkspacePath;
import java.util.Optional;

/**
 * Checks a {@link FileCondition} against the file as it is now; the caller holds the path's lock
 * ({@link PathLocks}) until its write is done. Every refusal is a {@link FileVersionConflict} that
 * says what was found, that nothing was written, and what to do.
 */
public final class VersionChecks {
  private VersionChecks() {}

  /** Throws unless {@code path} is as {@code condition} expects. */
  public static void check(
      WorkspaceAccess ws, WorkspacePath path, FileCondition condition, long maxBytes) {
    switch (condition) {
      case FileCondition.Any any -> {}
      case FileCondition.Exists exists -> {
        if (ws.stat(path).isEmpty()) {
          throw new FileVersionConflict(
              "there is no file '" + path + "' (it was expected to exist); nothing was written",
              Optional.empty());
        }
      }
      case FileCondition.Absent absent -> {
        Optional<FileEntry> entry = ws.stat(path);
        if (entry.isPresent()) {
          Optional<String> current =
              entry.get().type() == FileEntry.Type.FILE
                  ? Optional.of(FileVersion.of(ws.readFile(path, maxBytes)))
                  : Optional.empty();
          throw new FileVersionConflict(
              "'"
                  + path
                  + "' already exists"
                  + current.map(v -> " (version " + v + ")").orElse(" (not a file)")
                  + " and was to be created only; nothing was written: read it and write with"
                  + " its version, or write without a condition to replace it",
              current);
        }
      }
      case FileCondition.Matches matches -> {
        String current = current(ws, path, maxBytes, matches);
        if (!matches.versions().contains(current)) {
          throw mismatch(path, current, matches);
        }
      }
    }
  }

  /** The conflict for a file whose version {@code current} is not one {@code expected} names. */
  public static FileVersionConflict mismatch(
      WorkspacePath path, String current, FileCondition.Matches expected) {
    return new FileVersionConflict(
        "the file '"
            + path
            + "' changed since it was read: its version is "
            + current
            + ", not "
            + String.join(" or ", expected.versions())
            + "; nothing was written: read it again, redo the change and retry with the new"
            + " version",
        Optional.of(current));
  }

  private static String current(
      WorkspaceAccess ws, WorkspacePath path, long maxBytes, FileCondition.Matches expected) {
    try {
      return FileVersion.of(ws.readFile(path, maxBytes));
    } catch (BerthException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        throw new FileVersionConflict(
            "the file '"
                + path
                + "' does not exist any more (expected version "
                + String.join(" or ", expected.versions())
                + "); nothing was written",
            Optional.empty());
      }
      throw e;
    }
  }
}
