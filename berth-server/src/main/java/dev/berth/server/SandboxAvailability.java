package dev.berth.server;

import dev.berth.base.SessionId;
import dev.berth.runtime.Backends;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeSession;
import dev.berth.template.Sandbox;
import dev.berth.template.Template;
import dev.berth.template.TemplateCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * At start-up: which templates ask for a sandbox that a backend they may use cannot give (an engine
 * without gVisor's runtime, the local backend), told once in the start-up output with the backend's
 * words on how to add it, instead of only when someone's create is refused.
 */
final class SandboxAvailability {
  private SandboxAvailability() {}

  /** One line per template and backend that cannot run it; empty when every one can. */
  static List<String> problems(TemplateCatalog templates, Backends backends) {
    List<String> lines = new ArrayList<>();
    for (Template t : templates.all()) {
      if (t.isolation().sandbox() == Sandbox.RUNC) {
        continue;
      }
      var probe = RuntimeSession.fresh(SessionId.of("sandbox-check"), t, Map.of());
      for (String backend : backends.names()) {
        if (!t.allowsBackend(backend)) {
          continue;
        }
        try {
          backends.get(backend).preflight(probe).stream()
              .filter(p -> p instanceof PreflightProblem.SandboxUnavailable)
              .forEach(
                  p ->
                      lines.add(
                          "template '"
                              + t.name()
                              + "' (sandbox: "
                              + t.isolation().sandbox().yamlName()
                              + ") cannot run on backend "
                              + backend
                              + ": "
                              + p.message()));
        } catch (RuntimeException e) {
          // a backend that does not answer now is reported elsewhere; its creates will say more
        }
      }
    }
    return lines;
  }
}
