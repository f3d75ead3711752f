package dev.berth.runtime;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.images.ImageEngine;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one contract a backend (local processes, Docker, Kubernetes) implements. Everything above it
 * — registry, reconciler, edges — is the same for every backend.
 *
 * <h2>Lifecycle contract</h2>
 *
 * <ol>
 *   <li>{@link #prepare} makes the session's workspace (directory, volume, PVC) and seeds it from
 *       the template's project skeleton; nothing runs yet. It returns the runtime's state (every
 *       name it generated), which the caller persists before anything else happens.
 *   <li>{@link #start} runs the session's app (if the template has one) and returns once the
 *       runtime has launched it; readiness probing is the caller's job. Starting a running session
 *       is a no-op that returns the same state.
 *   <li>{@link #stop} ends every process of the session and keeps the workspace. Stopping a stopped
 *       session is a no-op.
 *   <li>{@link #destroy} removes everything the session owns, found by the persisted state
 *       <em>and</em> by the session's labels, and reports each resource removed or not removed. It
 *       is idempotent: calling it again removes what is left and reports nothing for what was
 *       already gone. It never touches resources of other sessions or anything Berth did not make.
 * </ol>
 *
 * <h2>After a manager restart</h2>
 *
 * A runtime keeps no session state in memory that it cannot rebuild: every call receives the
 * persisted {@link RuntimeState}, and a fresh runtime instance must {@link #inspect}, stop, and
 * destroy sessions started by an earlier process. {@link #listOwned} finds resources whose registry
 * entry was lost (orphans).
 *
 * <h2>Thread-safety</h2>
 *
 * Implementations are thread-safe across sessions. The caller ({@code SessionService}) serializes
 * lifecycle calls for one session; file and exec calls for one session may run concurrently with
 * each other.
 *
 * <h2>Errors</h2>
 *
 * Bad input (a path outside the workspace, a missing file) is a {@link
 * dev.berth.base.BerthException} with a code that says so; a backend failure is {@code
 * RUNTIME_FAILURE} with the backend's reason; an ability not in {@link #capabilities()} is {@code
 * UNSUPPORTED}. Every path argument is confined to the workspace, including through symlinks.
 */
public interface SessionRuntime extends AutoCloseable {

  /** The backend's kind, e.g. {@code local} or {@code docker}. */
  String kind();

  /** What this runtime can do beyond the core contract. */
  Capabilities capabilities();

  /**
   * Creates and seeds the session's workspace without running anything. Idempotent: preparing a
   * prepared session returns its state unchanged, and a skeleton never overwrites existing files.
   *
   * @return the state to persist (every generated name)
   */
  RuntimeState prepare(RuntimeSession session);

  /**
   * Launches the session's app, if its template has one, on the prepared workspace.
   *
   * @return the updated state to persist (process ids, container ids, endpoints)
   */
  RuntimeState start(RuntimeSession session);

  /**
   * Ends all of the session's processes, waiting up to {@code grace} for them to exit before
   * killing them. Keeps the workspace.
   *
   * @return the updated state to persist
   */
  RuntimeState stop(RuntimeSession session, Duration grace);

  /** Removes everything the session owns; see the class comment. Never throws for one resource. */
  CleanupReport destroy(RuntimeSession session);

  /** What the session looks like now. Never null; {@link ObservedState.Unknown} on doubt. */
  ObservedState inspect(RuntimeSession session);

  /** The last {@code lines} lines of the session's app output; empty string when there is none. */
  String logTail(RuntimeSession session, int lines);

  /** Every resource this runtime finds with Berth's labels for this Berth instance. */
  List<OwnedResource> listOwned();

  /** Where the session's app answers on the given declared port, when it runs. */
  Optional<URI> endpoint(RuntimeSession session, int port);

  /** The file's bytes; {@code TOO_LARGE} when it is bigger than {@code maxBytes}. */
  byte[] readFile(RuntimeSession session, WorkspacePath path, long maxBytes);

  /**
   * Writes a file, creating parent directories, replacing an existing file atomically where the
   * backend can. Fails with {@code TOO_LARGE} past {@code maxBytes}, leaving no partial file.
   */
  void writeFile(RuntimeSession session, WorkspacePath path, InputStream data, long maxBytes);

  /** The entries of a directory (not recursive), sorted by name. */
  List<FileEntry> list(RuntimeSession session, WorkspacePath directory);

  /** The entry at {@code path}, or empty when nothing is there. */
  Optional<FileEntry> stat(RuntimeSession session, WorkspacePath path);

  /** Deletes a file, or a directory (with {@code recursive} when it is not empty). */
  void delete(RuntimeSession session, WorkspacePath path, boolean recursive);

  /** Moves a file or directory; fails with {@code CONFLICT} if the target exists. */
  void move(RuntimeSession session, WorkspacePath from, WorkspacePath to);

  /** Creates a directory and its parents; a no-op when it exists. */
  void makeDirectory(RuntimeSession session, WorkspacePath path);

  /** Unpacks a tar stream into {@code directory}, confined to the workspace. */
  void putArchive(RuntimeSession session, WorkspacePath directory, InputStream tar);

  /** Writes {@code path} (a file or a whole directory) to {@code out} as a tar stream. */
  void getArchive(RuntimeSession session, WorkspacePath path, OutputStream out);

  /** Runs a command in the session and waits for it (up to the request's timeout). */
  ExecResult exec(RuntimeSession session, ExecRequest request);

  /** The whole workspace as a tar stream, for migration between backends. */
  default void exportWorkspace(RuntimeSession session, OutputStream out) {
    getArchive(session, WorkspacePath.ROOT, out);
  }

  /** Fills the workspace from a tar stream made by {@link #exportWorkspace}. */
  default void importWorkspace(RuntimeSession session, InputStream tar) {
    putArchive(session, WorkspacePath.ROOT, tar);
  }

  /**
   * Starts delivering {@link RuntimeEvent}s for this Berth instance's sessions to {@code listener}
   * (on a thread of the runtime's choosing; the listener must not block) until the returned handle
   * is closed. A backend that cannot watch returns a no-op handle: the reconciler's periodic pass
   * still finds every change, only later.
   */
  default AutoCloseable watch(Consumer<RuntimeEvent> listener) {
    return () -> {};
  }

  /**
   * The id of the image the session's container was created from, as recorded in its state (no
   * engine call): how Berth tells which live sessions run an outdated image. Empty for backends
   * without images and for sessions not prepared yet.
   */
  default Optional<String> imageId(RuntimeSession session) {
    return Optional.empty();
  }

  /**
   * Makes a stopped session's next {@link #start} run its template's current image: drops what
   * start would otherwise reuse from the old image (Docker: the stopped container) and keeps the
   * workspace. The caller stops the session first and persists the returned state.
   */
  default RuntimeState renew(RuntimeSession session) {
    throw new BerthException(
        ErrorCode.UNSUPPORTED, "the " + kind() + " backend runs no images to renew sessions on");
  }

  /** The engine that builds the images this backend's sessions run, when it has one. */
  default Optional<ImageEngine> imageEngine() {
    return Optional.empty();
  }

  /** Releases connections; does not stop sessions (they outlive the manager). */
  @Override
  default void close() {}
}
