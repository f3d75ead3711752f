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
import java.util.concurrent.locks.ReentrantLock;
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
  // Serializes read-modify-write edits of one file without a lock object per file. Shared by every
  // edge's view (see via), so a REST edit and an MCP edit of one file never interleave.
  private final ReentrantLock[] editStripes;
  private final String via;

  SessionWorkspace(SessionSteps steps, WorkspaceLimits limits) {
    this(steps, limits, newStripes(), "api");
  }

  private SessionWorkspace(
      SessionSteps steps, WorkspaceLimits limits, ReentrantLock[] editStripes, String via) {
    this.steps = steps;
    this.limits = limits;
    this.editStripes = editStripes;
    this.via = via;
  }

  private static ReentrantLock[] newStripes() {
    ReentrantLock[] stripes = new ReentrantLock[64];
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
    return stripes;
  }

  /**
   * The same workspace for another edge: its calls count as activity "via" {@code edge} (mcp, api),
   * which the session's liveness explanation shows.
   */
  public SessionWorkspace via(String edge) {
    return new SessionWorkspace(steps, limits, editStripes, edge);
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
    WorkspacePath p = WorkspacePath.parse(path);
    return inSession(id, ws -> ws.readFile(p, limits.maxFileBytes()));
  }

  public void writeFile(SessionId id, String path, InputStream data) {
    WorkspacePath p = WorkspacePath.parse(path);
    if (p.isRoot()) {
      throw BerthException.badRequest("a file path is required, not the workspace root");
    }
    act(id, ws -> ws.writeFile(p, data, limits.maxFileBytes()));
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
    act(id, ws -> ws.delete(p, recursive));
  }

  public void move(SessionId id, String from, String to) {
    WorkspacePath src = WorkspacePath.parse(from);
    WorkspacePath dst = WorkspacePath.parse(to);
    if (src.isRoot() || dst.isRoot()) {
      throw BerthException.badRequest("the workspace root cannot be moved or replaced");
    }
    act(id, ws -> ws.move(src, dst));
  }

  public void makeDirectory(SessionId id, String path) {
    WorkspacePath p = WorkspacePath.parse(path);
    act(id, ws -> ws.makeDirectory(p));
  }

  public void putArchive(SessionId id, String directory, InputStream tar) {
    WorkspacePath p = WorkspacePath.parse(directory);
    act(id, ws -> ws.putArchive(p, tar));
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
    String text = TextFiles.decode(path, readFile(id, path));
    return TextFiles.window(text, offset, limit);
  }

  /**
   * Applies exact-match edits to a text file, all or nothing. Edits of one file are serialized (a
   * striped lock per session and path), so concurrent editors never lose each other's changes.
   */
  public TextEdits.Result editFile(SessionId id, String path, List<FileEdit> edits) {
    WorkspacePath p = WorkspacePath.parse(path);
    ReentrantLock stripe =
        editStripes[Math.floorMod((id.value() + "/" + p.value()).hashCode(), editStripes.length)];
    return inSession(
        id,
        ws -> {
          stripe.lock();
          try {
            String before = TextFiles.decode(path, ws.readFile(p, limits.maxFileBytes()));
            TextEdits.Result result = TextEdits.apply(before, edits);
            byte[] after = result.text().getBytes(StandardCharsets.UTF_8);
            ws.writeFile(p, new ByteArrayInputStream(after), limits.maxFileBytes());
            return result;
          } finally {
            stripe.unlock();
          }
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
