package dev.berth.runtime;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * Files, archives and commands inside one session's workspace, obtained from the runtime with
 * {@link SessionRuntime#workspace(RuntimeSession)}. Getting one is cheap and asks the backend
 * nothing; each call finds the session's resources afresh (a container, a pod, a directory), so an
 * instance never goes stale across a stop or a start, and may be dropped after one call.
 *
 * <p>Every path argument is confined to the workspace, including through symlinks (only the runtime
 * sees them). Errors: a missing file is {@code NOT_FOUND}, a path leading out or a refused archive
 * entry {@code BAD_REQUEST}, a target that exists {@code CONFLICT}, a size past its limit {@code
 * TOO_LARGE}, a session without a workspace {@code CONFLICT}, a backend failure {@code
 * RUNTIME_FAILURE}. Calls for one session may run concurrently with each other.
 */
public interface WorkspaceAccess {

  /** The file's bytes; {@code TOO_LARGE} when it is bigger than {@code maxBytes}. */
  byte[] readFile(WorkspacePath path, long maxBytes);

  /**
   * Writes a file, creating parent directories, replacing an existing file atomically where the
   * backend can. Fails with {@code TOO_LARGE} past {@code maxBytes}, leaving no partial file.
   */
  void writeFile(WorkspacePath path, InputStream data, long maxBytes);

  /** The entries of a directory (not recursive), sorted by name. */
  List<FileEntry> list(WorkspacePath directory);

  /** The entry at {@code path} (a symlink itself, not followed), or empty when nothing is there. */
  Optional<FileEntry> stat(WorkspacePath path);

  /** Deletes a file, or a directory (with {@code recursive} when it is not empty). */
  void delete(WorkspacePath path, boolean recursive);

  /** Moves a file or directory; fails with {@code CONFLICT} if the target exists. */
  void move(WorkspacePath from, WorkspacePath to);

  /** Creates a directory and its parents; a no-op when it exists. */
  void makeDirectory(WorkspacePath path);

  /**
   * Unpacks a tar stream into {@code directory}, confined to the workspace; entries are checked by
   * {@link TarEntries} (no hard links or special files, links only inside).
   */
  void putArchive(WorkspacePath directory, InputStream tar);

  /** Writes {@code path} (a file or a whole directory) to {@code out} as a tar stream. */
  void getArchive(WorkspacePath path, OutputStream out);

  /**
   * Runs a command in the running session and waits for it (up to the request's timeout, then it
   * and everything it started are killed); {@code CONFLICT} when the session does not run. A
   * cancelled request ({@link ExecRequest#cancellation}) is killed the same way at once, and the
   * call returns what was captured until then; everything the command started must be gone when it
   * returns.
   */
  ExecResult exec(ExecRequest request);

  /**
   * Starts a process in the running session and returns its handle once it runs; its output goes to
   * {@code sink} as the process makes it (see {@link ProcessSink} for threads and backpressure).
   * The process lives until it ends or the handle kills it; it does not end with the call that
   * started it. {@code CONFLICT} when the session does not run; {@code UNSUPPORTED} (naming the
   * backend) without {@link Ability#PROCESSES}, or {@link Ability#TTY} for a terminal.
   */
  default StartedProcess start(ProcessSpec spec, ProcessSink sink) {
    throw new BerthException(
        ErrorCode.UNSUPPORTED, "this backend cannot start processes with handles");
  }

  /**
   * Watches the workspace for changes by anyone (a process in the session, Berth itself) natively,
   * and hands each batch of changed paths to {@code changes} on the watcher's own thread, until the
   * returned handle is closed. Empty when the backend has no native watch: the service then polls
   * the workspace with {@link #exec} instead. A watcher reports files and directories created,
   * modified or deleted anywhere below the root, within about a tenth of a second.
   */
  default java.util.Optional<AutoCloseable> watch(
      java.util.function.Consumer<List<WorkspaceChange>> changes) {
    return java.util.Optional.empty();
  }

  /** The whole workspace as a tar stream, for migration between backends. */
  default void exportWorkspace(OutputStream out) {
    getArchive(WorkspacePath.ROOT, out);
  }

  /** Fills the workspace from a tar stream made by {@link #exportWorkspace}. */
  default void importWorkspace(InputStream tar) {
    putArchive(WorkspacePath.ROOT, tar);
  }
}
