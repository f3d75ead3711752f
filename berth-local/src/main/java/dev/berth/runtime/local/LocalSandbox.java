package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.PreflightProblem;
import dev.berth.template.Sandbox;
import dev.berth.template.Template;
import java.util.Optional;

/**
 * The local backend runs a session's app and execs as plain processes of Berth's own user on the
 * host: there is no box to put gVisor around, so a template that asks for any sandbox but the
 * ordinary one is refused here, before anything is made and at every start, rather than run without
 * the sandbox it asked for.
 */
final class LocalSandbox {
  private LocalSandbox() {}

  static Optional<PreflightProblem> problem(Template t) {
    Sandbox sandbox = t.isolation().sandbox();
    if (sandbox == Sandbox.RUNC) {
      return Optional.empty();
    }
    return Optional.of(
        new PreflightProblem.SandboxUnavailable(
            sandbox.yamlName(),
            "template '"
                + t.name()
                + "' asks for 'sandbox: "
                + sandbox.yamlName()
                + "', and the local backend cannot sandbox: it runs sessions as host processes of"
                + " Berth's user. Create the session on a Docker backend whose engine has gVisor"
                + " (runsc) or on Kubernetes with a gVisor RuntimeClass, or remove 'sandbox' from"
                + " the template"));
  }

  /** The same, as the refusal of a prepare or start that was not preflighted. */
  static void require(Template t) {
    problem(t)
        .ifPresent(
            p -> {
              throw new BerthException(ErrorCode.PRECONDITION_FAILED, p.message());
            });
  }
}
