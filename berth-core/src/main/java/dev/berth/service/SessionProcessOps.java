package dev.berth.service;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.runtime.Abilities;
import dev.berth.runtime.Ability;
import dev.berth.runtime.ProcessSpec;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.StdinMode;
import dev.berth.runtime.WorkspacePath;
import dev.berth.service.processes.LiveProcess;
import dev.berth.service.steps.SessionSteps;
import dev.berth.session.ProcessCommand;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import java.util.List;

/**
 * Processes started with handles in a RUNNING session, for every edge: started, listed, found again
 * by id. The session's lock is held only to check that it runs and to start the process; the
 * process then runs without it, and a stop, delete, cull or restart ends it ({@link
 * SessionSteps#endExecs}), which its clients see as its end with the reason.
 */
public final class SessionProcessOps {
  private final SessionSteps steps;

  SessionProcessOps(SessionSteps steps) {
    this.steps = steps;
  }

  /** Starts the process; 409 when the session does not run, 429 past the per-session limit. */
  public LiveProcess start(SessionId id, ProcessCommand command) {
    return start(id, command, "api");
  }

  /** The same, its start recorded as use of the session through {@code via} ("mcp"). */
  public LiveProcess start(SessionId id, ProcessCommand command, String via) {
    if (command.argv().isEmpty() || command.argv().getFirst().isBlank()) {
      throw BerthException.badRequest("command must name a program to run");
    }
    if (command.openStdin() && command.stdin().length > 0) {
      throw BerthException.badRequest(
          "stdin and openStdin together: give the bytes, or keep stdin open and write them");
    }
    StdinMode stdin = command.openStdin() ? StdinMode.open() : StdinMode.bytes(command.stdin());
    var spec =
        new ProcessSpec(
            command.argv(),
            WorkspacePath.parse(command.cwd().orElse("")),
            command.env(),
            command.tty(),
            stdin);
    return steps
        .locks()
        .shared(
            id,
            () -> {
              Session s = steps.require(id);
              if (s.status() != SessionStatus.RUNNING) {
                throw BerthException.conflict(
                    "session '"
                        + id
                        + "' is "
                        + s.status()
                        + "; starting a process needs a RUNNING session");
              }
              SessionRuntime runtime = steps.runtimeOf(s);
              Abilities.require(runtime, Ability.PROCESSES, "start a process with a handle");
              if (command.tty().isPresent()) {
                Abilities.require(runtime, Ability.TTY, "run a process in a terminal");
              }
              var template = steps.templateOf(s);
              SessionContainerOps.requireDeclared(s, template, command.container());
              steps.activity().record(id, via);
              var workspace =
                  runtime.workspace(steps.runtimeSession(s, template), command.container());
              return steps.processes().start(id, workspace, spec, command.background());
            });
  }

  /** The session's processes, running and recently ended; 404 for an unknown session. */
  public List<LiveProcess> list(SessionId id) {
    steps.require(id);
    return steps.processes().list(id);
  }

  /** One of the session's processes; 404 naming it when there is none by that id. */
  public LiveProcess get(SessionId id, String processId) {
    steps.require(id);
    return steps.processes().get(id, processId);
  }

  /** Counts a client's input or a resize as the session's use, as any exec is. */
  public void touch(SessionId id, String via) {
    steps.activity().record(id, via);
  }
}
