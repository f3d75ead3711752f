package dev.berth.service;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.runtime.Abilities;
import dev.berth.runtime.Ability;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.FileEntry;
import dev.berth.runtime.OneShotExec;
import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.WorkspaceAccess;
import dev.berth.runtime.WorkspacePath;
import dev.berth.service.changes.Change;
import dev.berth.service.changes.ChangePage;
import dev.berth.service.changes.SessionChanges;
import dev.berth.service.files.FileCondition;
import dev.berth.service.files.FileVersion;
import dev.berth.service.files.FileVersionConflict;
import dev.berth.service.files.PathLocks;
import dev.berth.service.files.VersionChecks;
import dev.berth.service.files.VersionedEdit;
import dev.berth.service.files.VersionedFile;
import dev.berth.service.files.VersionedText;
import dev.berth.service.steps.RunningExecs;
import dev.berth.service.steps.SessionSteps;
import dev.berth.session.ExecCommand;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import dev.berth.template.SessionContainer;
import dev.berth.tools.FileEdit;
import dev.berth.tools.TextEdits;
import dev.berth.tools.TextFiles;
import dev.berth.tools.WorkspaceSearch;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Work inside a session's workspace — files, archives, exec — for every edge. Paths are parsed and
 * confined here and again by the runtime (which alone sees symlinks). Each call counts as the
 * session's activity (its activity tracker).
 */
public final class SessionWorkspace {
  private final SessionSteps steps;
  private final WorkspaceLimits limits;
  // Shared by every edge's view (see via), so a REST write and an MCP edit of one file never
  // interleave, and every edge's changes reach one feed.
  private final PathLocks pathLocks;
  private final SessionChanges changes;
  private final String via;

  SessionWorkspace(SessionSteps steps, WorkspaceLimits limits, SessionChanges changes) {
    this(steps, limits, new PathLocks(), changes, "api");
  }

  private SessionWorkspace(
      SessionSteps steps,
      WorkspaceLimits limits,
      PathLocks pathLocks,
      SessionChanges changes,
      String via) {
    this.steps = steps;
    this.limits = limits;
    this.pathLocks = pathLocks;
    this.changes = changes;
    this.via = via;
  }

  /**
   * The same workspace for another edge: its calls count as activity "via" {@code edge} (mcp, api),
   * which the session's liveness explanation shows.
   */
  public SessionWorkspace via(String edge) {
    return new SessionWorkspace(steps, limits, pathLocks, changes, edge);
  }

  public WorkspaceLimits limits() {
    return limits;
  }

  private <T> T inSession(SessionId id, Function<WorkspaceAccess, T> work) {
    return steps
        .locks()
        .shared(
            id,
            () -> {
              Session s = steps.require(id);
              if (s.status() == SessionStatus.PENDING) {
                throw BerthException.conflict("session '" + id + "' is still being created");
              }
              touch(id);
              return work.apply(
                  steps.runtimeOf(s).workspace(steps.runtimeSession(s, steps.templateOf(s))));
            });
  }

  private void act(SessionId id, Consumer<WorkspaceAccess> action) {
    inSession(
        id,
        ws -> {
          action.accept(ws);
          return null;
        });
  }

  private void touch(SessionId id) {
    steps.activity().record(id, via);
  }

  public byte[] readFile(SessionId id, String path) {
    return readVersioned(id, path).content();
  }

  /** The file's bytes and its version ({@link FileVersion}), for a conditional write after. */
  public VersionedFile readVersioned(SessionId id, String path) {
    WorkspacePath p = WorkspacePath.parse(path);
    byte[] bytes = inSession(id, ws -> ws.readFile(p, limits.maxFileBytes()));
    return new VersionedFile(bytes, FileVersion.of(bytes));
  }

  public void writeFile(SessionId id, String path, InputStream data) {
    writeFile(id, path, data, FileCondition.any());
  }

  /**
   * Writes a file if it is as {@code condition} expects, and returns the version written. The check
   * and the write are one step against every other write, edit, delete or move through Berth of
   * that path ({@link PathLocks}); a {@link FileVersionConflict} (412) when the file is not as
   * expected, and then nothing was written. A process inside the session that writes the file
   * between the check and the write is not stopped by it.
   */
  public String writeFile(SessionId id, String path, InputStream data, FileCondition condition) {
    WorkspacePath p = WorkspacePath.parse(path);
    if (p.isRoot()) {
      throw BerthException.badRequest("a file path is required, not the workspace root");
    }
    return change(
        id,
        p,
        Change.CHANGED,
        ws -> {
          VersionChecks.check(ws, p, condition, limits.maxFileBytes());
          FileVersion.Hashing hashed = FileVersion.hashing(data);
          ws.writeFile(p, hashed, limits.maxFileBytes());
          return FileVersion.of(hashed);
        });
  }

  /**
   * Runs a change of {@code p} in the session under the path's lock, with the change feed told
   * before (so a watcher's echo of it is known as Berth's) and after (so it is reported as this
   * edge's).
   */
  private <T> T change(
      SessionId id, WorkspacePath p, String kind, Function<WorkspaceAccess, T> work) {
    return inSession(
        id,
        ws ->
            pathLocks.with(
                id,
                p,
                () -> {
                  changes.berthBegin(id, p);
                  boolean done = false;
                  try {
                    T result = work.apply(ws);
                    done = true;
                    return result;
                  } finally {
                    changes.berthEnd(id, p, done, kind, via);
                  }
                }));
  }

  private void changeAct(SessionId id, WorkspacePath p, String kind, Consumer<WorkspaceAccess> a) {
    change(
        id,
        p,
        kind,
        ws -> {
          a.accept(ws);
          return null;
        });
  }

  /**
   * What changed in the session's workspace after {@code cursor}, and by whom; see {@link
   * SessionChanges#changes}. Asking counts as the session's activity only as a read would not: it
   * is not recorded, so a watcher alone never keeps a session from being culled.
   */
  public ChangePage changes(SessionId id, Optional<Long> cursor, int limit, Duration wait) {
    return changes.changes(id, cursor, limit, wait);
  }

  public List<FileEntry> list(SessionId id, String path) {
    WorkspacePath p = WorkspacePath.parse(path);
    return inSession(id, ws -> ws.list(p));
  }

  /** The entry at {@code path}; 404 when there is nothing. */
  public FileEntry stat(SessionId id, String path) {
    WorkspacePath p = WorkspacePath.parse(path);
    Optional<FileEntry> entry = inSession(id, ws -> ws.stat(p));
    return entry.orElseThrow(() -> BerthException.notFound("no file or directory '" + p + "'"));
  }

  public void delete(SessionId id, String path, boolean recursive) {
    WorkspacePath p = WorkspacePath.parse(path);
    if (p.isRoot()) {
      throw BerthException.badRequest("the workspace root cannot be deleted; delete the session");
    }
    changeAct(id, p, Change.DELETED, ws -> ws.delete(p, recursive));
  }

  public void move(SessionId id, String from, String to) {
    WorkspacePath src = WorkspacePath.parse(from);
    WorkspacePath dst = WorkspacePath.parse(to);
    if (src.isRoot() || dst.isRoot()) {
      throw BerthException.badRequest("the workspace root cannot be moved or replaced");
    }
    // The source's lock, then the target's, each with its own change: a move is a delete and a
    // write. Two moves in opposite directions at once take the stripes in opposite order, so the
    // target is only marked in the feed, not locked.
    changeAct(
        id,
        src,
        Change.DELETED,
        ws -> {
          changes.berthBegin(id, dst);
          boolean done = false;
          try {
            ws.move(src, dst);
            done = true;
          } finally {
            changes.berthEnd(id, dst, done, Change.CHANGED, via);
          }
        });
  }

  public void makeDirectory(SessionId id, String path) {
    WorkspacePath p = WorkspacePath.parse(path);
    changeAct(id, p, Change.CHANGED, ws -> ws.makeDirectory(p));
  }

  public void putArchive(SessionId id, String directory, InputStream tar) {
    WorkspacePath p = WorkspacePath.parse(directory);
    changeAct(id, p, Change.CHANGED, ws -> ws.putArchive(p, tar));
  }

  public void getArchive(SessionId id, String path, OutputStream out) {
    WorkspacePath p = WorkspacePath.parse(path);
    act(id, ws -> ws.getArchive(p, out));
  }

  /**
   * Runs a command in a RUNNING session; 409 when it is not running. The session's lock is held
   * only to check that and to record the exec among the session's running ones ({@link
   * RunningExecs}); the command runs without it, so a stop, delete, cull or the reconciler never
   * waits for it. They end it instead: it is killed, and this call fails with 409 {@code "exec
   * ended: session 'a' is being deleted"} (or whatever ended it).
   */
  public ExecResult exec(SessionId id, ExecCommand command) {
    return exec(id, SessionContainer.MAIN, command);
  }

  /**
   * {@link #exec(SessionId, ExecCommand)} in the session's container {@code container} (its type:
   * {@code session} for the main one, else one of its template's {@code containers:}); 404 naming
   * the types there are for any other.
   */
  public ExecResult exec(SessionId id, String container, ExecCommand command) {
    return exec(id, container, command, Optional.empty());
  }

  /**
   * The same exec, its output also handed to {@code output} as the command makes it: the same
   * limits (what the result keeps), timeout, and end by a stop, delete or cull. It runs as a
   * process started with a handle ({@link OneShotExec}), so it needs the backend's {@code
   * PROCESSES} ability (501 without); it is not one of the session's listed processes.
   */
  public ExecResult exec(SessionId id, String container, ExecCommand command, ExecOutput output) {
    return exec(id, container, command, Optional.of(output));
  }

  private ExecResult exec(
      SessionId id, String container, ExecCommand command, Optional<ExecOutput> output) {
    WorkspacePath cwd = WorkspacePath.parse(command.cwd().orElse(""));
    Duration timeout = command.timeout().orElse(limits.execTimeout());
    if (timeout.compareTo(limits.execMaxTimeout()) > 0) {
      throw BerthException.badRequest(
          "timeout "
              + timeout.toSeconds()
              + "s is longer than the allowed "
              + limits.execMaxTimeout().toSeconds()
              + "s (execMaxTimeout)");
    }
    var request =
        new ExecRequest(
            command.argv(),
            cwd,
            command.env(),
            command.stdin(),
            timeout,
            limits.execMaxOutputBytes());
    Admitted admitted =
        steps
            .locks()
            .shared(
                id,
                () -> {
                  Session s = steps.require(id);
                  if (s.status() != SessionStatus.RUNNING) {
                    throw BerthException.conflict(
                        "session '" + id + "' is " + s.status() + "; exec needs a RUNNING session");
                  }
                  SessionRuntime runtime = steps.runtimeOf(s);
                  if (output.isPresent()) {
                    // Its stdin is given to the started process, which every such backend can.
                    Abilities.require(runtime, Ability.PROCESSES, "stream a command's output");
                  } else if (request.stdin().length > 0) {
                    Abilities.require(
                        runtime, Ability.EXEC_STDIN, "run a command with standard input");
                  }
                  var template = steps.templateOf(s);
                  SessionContainerOps.requireDeclared(s, template, container);
                  touch(id);
                  return new Admitted(
                      runtime.workspace(steps.runtimeSession(s, template), container),
                      steps.execs().begin(id));
                });
    try (RunningExecs.Running running = admitted.running()) {
      ExecResult result;
      try {
        ExecRequest ended = request.endedBy(running.cancellation());
        result =
            output.isPresent()
                ? OneShotExec.run(admitted.workspace(), ended, tap(output.get()))
                : admitted.workspace().exec(ended);
      } catch (RuntimeException e) {
        Optional<BerthException> ended = ended(running);
        if (ended.isPresent()) {
          throw ended.get();
        }
        touch(id);
        throw e;
      }
      Optional<BerthException> ended = ended(running);
      if (ended.isPresent()) {
        throw ended.get();
      }
      // Its answer is use too: a running exec counts as use (SessionSteps.lastActivity), and
      // without this a session would be idle from the exec's start, culled at the first pass after
      // an exec longer than its idle timeout, before its caller could look at what it did.
      touch(id);
      return result;
    }
  }

  private static ProcessSink tap(ExecOutput output) {
    return output::output;
  }

  /** An exec let in: where it runs, and its entry among the session's running execs. */
  private record Admitted(WorkspaceAccess workspace, RunningExecs.Running running) {}

  /** The error the caller of an exec that a lifecycle operation ended gets. */
  private static Optional<BerthException> ended(RunningExecs.Running running) {
    return running
        .cancellation()
        .reason()
        .map(why -> BerthException.conflict("exec ended: " + why));
  }

  // ---- text tools (MCP and REST share these) ------------------------------------------------

  /** A window of lines of a text file; binary files are refused with a clear message. */
  public TextFiles.Window readText(SessionId id, String path, int offset, int limit) {
    return readTextVersioned(id, path, offset, limit).window();
  }

  /** {@link #readText}, with the version of the whole file for a conditional edit or write. */
  public VersionedText readTextVersioned(SessionId id, String path, int offset, int limit) {
    VersionedFile file = readVersioned(id, path);
    String text = TextFiles.decode(path, file.content());
    return new VersionedText(TextFiles.window(text, offset, limit), file.version());
  }

  /**
   * Applies exact-match edits to a text file, all or nothing. Edits of one file are serialized (a
   * striped lock per session and path), so concurrent editors never lose each other's changes.
   */
  public TextEdits.Result editFile(SessionId id, String path, List<FileEdit> edits) {
    return editFile(id, path, edits, FileCondition.any()).result();
  }

  /**
   * {@link #editFile(SessionId, String, List)} if the file is at the version {@code condition}
   * names (a {@link FileVersionConflict}, 412, when it changed since), returning the new version.
   */
  public VersionedEdit editFile(
      SessionId id, String path, List<FileEdit> edits, FileCondition condition) {
    WorkspacePath p = WorkspacePath.parse(path);
    if (condition instanceof FileCondition.Absent) {
      throw BerthException.badRequest("an edit changes an existing file; to create one, write it");
    }
    return change(
        id,
        p,
        Change.CHANGED,
        ws -> {
          byte[] current = ws.readFile(p, limits.maxFileBytes());
          String version = FileVersion.of(current);
          if (condition instanceof FileCondition.Matches m && !m.versions().contains(version)) {
            throw VersionChecks.mismatch(p, version, m);
          }
          String before = TextFiles.decode(path, current);
          TextEdits.Result result = TextEdits.apply(before, edits);
          byte[] after = result.text().getBytes(StandardCharsets.UTF_8);
          ws.writeFile(p, new ByteArrayInputStream(after), limits.maxFileBytes());
          return new VersionedEdit(result, FileVersion.of(after));
        });
  }

  /**
   * Regex search over the text files under {@code path}, through one archive download. The session
   * lock is held only to find the workspace and check the path: the download and the scan run
   * without it, bounded in time ({@link WorkspaceSearch#timeout()}), so a long search never holds
   * up a stop or a delete (which then just makes the download fail).
   */
  public WorkspaceSearch.Result search(SessionId id, String path, WorkspaceSearch search) {
    WorkspacePath p = WorkspacePath.parse(path);
    String base = p.isRoot() ? "" : p.parent().value();
    WorkspaceAccess ws =
        inSession(
            id,
            w -> {
              if (w.stat(p).isEmpty()) {
                throw BerthException.notFound("no file or directory '" + p + "' in the workspace");
              }
              return w;
            });
    return SearchRun.run(ws, p, base, search);
  }
}
