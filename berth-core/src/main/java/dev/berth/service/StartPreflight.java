package dev.berth.service;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
import dev.berth.session.Session;
import java.util.List;

/**
 * What a start of an existing session checks before it changes anything: that the backend can still
 * give the template's sandbox (an engine may have lost its gVisor runtime, or the template may have
 * been edited to ask for one). Without it the start would reach the engine, fail there with the
 * engine's words, and leave the session FAILED; refused here it stays as it was, and the message
 * says how to add the runtime. Only {@link PreflightProblem.SandboxUnavailable} counts: the other
 * problems are a create's (a session that has its container does not need its image again).
 */
final class StartPreflight {
  private StartPreflight() {}

  /**
   * @throws BerthException {@code PRECONDITION_FAILED} when the runtime cannot give the sandbox
   */
  static void requireSandbox(Session s, SessionRuntime runtime, RuntimeSession rs) {
    List<String> missing =
        runtime.preflight(rs).stream()
            .filter(p -> p instanceof PreflightProblem.SandboxUnavailable)
            .map(PreflightProblem::message)
            .toList();
    if (!missing.isEmpty()) {
      throw new BerthException(
          ErrorCode.PRECONDITION_FAILED,
          "cannot start session '"
              + s.id()
              + "' on "
              + s.backend()
              + " (nothing was changed): "
              + String.join("; ", missing));
    }
  }
}
