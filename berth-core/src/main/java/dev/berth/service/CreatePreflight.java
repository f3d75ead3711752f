package dev.berth.service;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
import dev.berth.service.steps.SessionSteps;
import dev.berth.session.CreateSessionRequest;
import dev.berth.template.Template;
import dev.berth.template.TemplateChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a create checks before it records anything: the template's own rules ({@link
 * TemplateChecks}) and what the backend can tell ({@link SessionRuntime#preflight}). A problem is
 * the user's to fix, so it is a 4xx that says what to run or change, and the create makes nothing:
 * no registry entry, no token, no event, no resource; the same id works once it is fixed.
 */
final class CreatePreflight {
  private CreatePreflight() {}

  /** Where a create puts its session, resolved from the request as the create does. */
  record Target(
      SessionId id,
      Template template,
      String backend,
      SessionRuntime runtime,
      Map<String, String> labels) {

    /** What the runtime is told about the session before it is recorded or prepared. */
    RuntimeSession fresh() {
      return RuntimeSession.fresh(id, template.forSession(id), labels);
    }
  }

  /**
   * The template (404 when unknown), the backend (the request's, the template's, else the default;
   * 403 when the template does not allow it) and the id (the request's, else a new one; 409 when a
   * live session has it).
   */
  static Target target(SessionSteps steps, CreateSessionRequest request) {
    Template template = steps.templates().get(request.template().orElse(Template.DEFAULT_NAME));
    String backend =
        request.backend().or(template.placement()::backend).orElse(steps.backends().defaultName());
    SessionRuntime runtime = steps.backends().get(backend);
    SessionSteps.requireAllowed(template, backend);
    SessionId id = request.id().orElseGet(SessionId::generate);
    // A taken id is the real problem, and the cheapest to find: before the backend's checks and any
    // image build (minutes, for a 409 at the end). The insert still refuses a create that races.
    steps
        .find(id)
        .filter(s -> s.status().isLive())
        .ifPresent(
            s -> {
              throw BerthException.conflict(
                  "session '"
                      + id
                      + "' already exists ("
                      + s.status()
                      + "): pick another id, or delete it first (nothing was made)");
            });
    // Resources are named from handles: an id that is another session's handle (a pooled one's)
    // or a pool member's would name that one's resources.
    if (steps.registry().pools().knows(id.value())
        || steps
            .registry()
            .sessions()
            .findByHandle(id.value())
            .filter(s -> !s.id().equals(id) && s.status().isLive())
            .isPresent()) {
      throw BerthException.conflict(
          "session id '"
              + id
              + "' is the name another session's resources or a warm-pool member's carry: pick"
              + " another id (nothing was made)");
    }
    return new Target(id, template, backend, runtime, request.labels());
  }

  /**
   * The images Berth must build before the target's session can be made, one per owning template
   * (empty: none).
   *
   * @throws BerthException {@code PRECONDITION_FAILED} with every other problem found
   */
  static List<PreflightProblem.ImageNotBuilt> imagesToBuild(Target target) {
    Template template = target.template();
    SessionRuntime runtime = target.runtime();
    List<String> problems = new ArrayList<>(TemplateChecks.problems(template));
    if (!template.containers().isEmpty()
        && !runtime.abilities().contains(dev.berth.runtime.Ability.CONTAINERS)) {
      // Before the backend's own checks: it would make one container and forget the others.
      problems.add(
          "template '"
              + template.name()
              + "' runs several containers "
              + template.containers().types()
              + " and the "
              + runtime.kind()
              + " backend cannot run them (the docker, kubernetes and local backends can)");
    }
    // A backend without template volumes (the local one) refuses the key, never runs the session
    // without the files it expects.
    if (template.workspace().templateVolume().isPresent() && runtime.templateVolumes().isEmpty()) {
      problems.add(
          "template '"
              + template.name()
              + "' has a templateVolume, which the "
              + runtime.kind()
              + " backend does not make; use the docker or kubernetes backend");
    }
    TreeMap<String, PreflightProblem.ImageNotBuilt> unbuilt = new TreeMap<>();
    for (PreflightProblem p : runtime.preflight(target.fresh())) {
      switch (p) {
        case PreflightProblem.ImageNotBuilt n -> unbuilt.putIfAbsent(n.template(), n);
        case PreflightProblem.SandboxUnavailable u -> problems.add(u.message());
        case PreflightProblem.Unmet u -> problems.add(u.message());
      }
    }
    if (!problems.isEmpty()) {
      throw new BerthException(
          ErrorCode.PRECONDITION_FAILED,
          "cannot create a session of template '"
              + template.name()
              + "' on "
              + target.backend()
              + " (nothing was made): "
              + String.join("; ", problems));
    }
    return List.copyOf(unbuilt.values());
  }

  /** The refusal of a create whose template's image is not built: it names both ways out. */
  static ImageNotBuiltException notBuilt(
      String template, List<PreflightProblem.ImageNotBuilt> images) {
    List<String> owners = images.stream().map(PreflightProblem.ImageNotBuilt::template).toList();
    String refs =
        String.join(", ", images.stream().map(PreflightProblem.ImageNotBuilt::image).toList());
    String whose =
        owners.equals(List.of(template))
            ? "template '" + template + "' has no built image (" + refs + ")"
            : "template '"
                + template
                + "' runs an image built from template(s) "
                + String.join(", ", owners)
                + " that is not built ("
                + refs
                + ")";
    return new ImageNotBuiltException(
        whose
            + ": run `berth images build "
            + String.join(" ", owners)
            + "`, or create with \"build\": true (berth session create --build) to build it"
            + " first; nothing was made",
        owners);
  }
}
