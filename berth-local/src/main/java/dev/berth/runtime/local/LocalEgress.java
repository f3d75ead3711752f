package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.PreflightProblem;
import dev.berth.template.EgressPolicy;
import dev.berth.template.Template;
import java.util.List;
import java.util.Optional;

/**
 * Why a local session cannot have an egress policy: its app is a host process with the host's
 * network, and nothing Berth can do as an unprivileged process narrows it. A template that asks for
 * {@code egress: none} or an allow list is refused before anything is made (and at a start, for a
 * session whose template has changed since), never run with the policy silently unenforced.
 */
final class LocalEgress {
  private LocalEgress() {}

  static Optional<String> unenforceable(Template t) {
    EgressPolicy egress = t.network().egress();
    if (!egress.restricts()) {
      return Optional.empty();
    }
    return Optional.of(
        "template '"
            + t.name()
            + "' has network egress "
            + EgressPolicy.describe(egress)
            + ", which the local backend cannot enforce (its processes use the host's network);"
            + " create the session on a Docker or Kubernetes backend, or set network: {egress:"
            + " all} in the template");
  }

  static List<PreflightProblem> preflight(Template t) {
    return unenforceable(t)
        .<List<PreflightProblem>>map(m -> List.of(new PreflightProblem.Unmet(m)))
        .orElse(List.of());
  }

  /** At a start: a 422 when the template asks for a policy this backend cannot give. */
  static void requireEnforceable(Template t) {
    unenforceable(t)
        .ifPresent(
            m -> {
              throw new BerthException(ErrorCode.PRECONDITION_FAILED, m);
            });
  }
}
