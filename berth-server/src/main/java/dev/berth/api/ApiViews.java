package dev.berth.api;

import dev.berth.reconcile.SessionLife;
import dev.berth.runtime.ExecResult;
import dev.berth.session.Session;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionDefinition;
import dev.berth.session.SessionStatus;
import dev.berth.template.HealthProbe;
import dev.berth.template.Template;
import dev.berth.template.TemplateDefinition;
import dev.berth.template.TemplateProblem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the REST API: stable, documented in openapi.yaml, independent of internals.
 */
final class ApiViews {
  private ApiViews() {}

  /** A migrated session and the receipt of the cleanup on the backend it left. */
  record MigratedView(SessionView session, SessionCleanupReceipt sourceCleanup) {}

  record SessionView(
      String id,
      String handle,
      String template,
      String backend,
      SessionStatus status,
      String statusReason,
      Map<String, String> labels,
      Map<String, String> endpoints,
      Map<String, String> resources,
      Instant createdAt,
      Instant updatedAt,
      Instant lastActivityAt,
      String desired,
      LifeView life,
      DefinitionView definition) {
    /** Without the life and definition parts (for callers that have no service at hand). */
    static SessionView of(Session s) {
      return of(s, null, null);
    }

    static SessionView of(Session s, SessionLife life, SessionDefinition definition) {
      Map<String, String> eps = new java.util.TreeMap<>();
      s.endpoints().forEach((port, url) -> eps.put(Integer.toString(port), url));
      return new SessionView(
          s.id().value(),
          s.handle(),
          s.template(),
          s.backend(),
          s.status(),
          s.statusReason(),
          // Sorted, so that a session's resources and labels come out in one order every time.
          new java.util.TreeMap<>(s.labels()),
          eps,
          new java.util.TreeMap<>(s.runtimeState().values()),
          s.createdAt(),
          s.updatedAt(),
          s.lastActivityAt(),
          s.lifecycle().desired().name(),
          life == null ? null : LifeView.of(life),
          definition == null ? null : DefinitionView.of(definition));
    }
  }

  /**
   * Which definition the session runs (see TemplateDefinition) and whether that is its template as
   * it is now.
   *
   * @param fingerprint the short form of what the session was last made or started from; null when
   *     not recorded
   * @param current the short form of its template's definition now; null when not loaded
   * @param state current, outdated, unknown or template-not-loaded
   */
  record DefinitionView(
      String template,
      String fingerprint,
      String current,
      String state,
      boolean outdated,
      String explanation) {
    static DefinitionView of(SessionDefinition d) {
      return new DefinitionView(
          d.template(),
          d.recorded().isEmpty() ? null : TemplateDefinition.shortForm(d.recorded()),
          d.current().map(TemplateDefinition::shortForm).orElse(null),
          d.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
          d.outdated(),
          d.explanation());
    }
  }

  /** Why the session is alive and when it will be culled or restarted; see SessionLife. */
  record LifeView(
      String explanation,
      Instant lastActivityAt,
      String lastActivityVia,
      long idleTimeoutSeconds,
      Instant idleCullAt,
      long maxLifetimeSeconds,
      Instant lifetimeEndsAt,
      String cullAction,
      int restarts,
      Instant nextRestartAt) {
    static LifeView of(SessionLife l) {
      return new LifeView(
          l.explanation(),
          l.lastActivityAt(),
          l.lastActivityVia(),
          l.idleTimeout().toSeconds(),
          l.idleCullAt().orElse(null),
          l.maxLifetime().toSeconds(),
          l.lifetimeEndsAt().orElse(null),
          l.action().yamlName(),
          l.restarts(),
          l.nextRestartAt().orElse(null));
    }
  }

  /**
   * A created session with its token (shown only here), or in {@code noToken} why its backend gives
   * none (local, unless opted in). {@code build} is the image job that ran first ({@code "build":
   * true}), else null; {@code error} is set when the session's start failed: the session is kept,
   * FAILED, and the message says how to look at it and remove it.
   */
  @com.fasterxml.jackson.annotation.JsonInclude(
      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  /**
   * A create's answer; {@code pooled}: the session took a ready member of its template's warm pool
   * (false: it was made the cold way).
   */
  record CreatedView(
      SessionView session,
      String token,
      String noToken,
      ImageViews.JobView build,
      ErrorDetail error,
      boolean pooled) {}

  /**
   * The error of a create whose session was made but failed to start (for failures only the start
   * can reveal): its reason, and how to inspect and remove the session, which stays for that.
   */
  static ErrorDetail failedStart(Session s) {
    String id = s.id().value();
    return new ErrorDetail(
        "runtime_failure",
        s.statusReason()
            + ". The session is kept, FAILED, for inspection (GET /api/v1/sessions/"
            + id
            + "/events and /logs; berth session show "
            + id
            + "); remove it with DELETE /api/v1/sessions/"
            + id
            + " (berth session rm "
            + id
            + ")");
  }

  /**
   * A template: loaded (possibly with a problem: its file broke after it had loaded, and its last
   * good version is in use), or not loaded (only its name and problem).
   */
  record TemplateView(
      String name,
      String description,
      String parent,
      String image,
      List<String> command,
      List<Integer> ports,
      String probe,
      String backend,
      List<String> allowedBackends,
      boolean loaded,
      TemplateRoutes.ProblemView problem) {
    static TemplateView of(Template t) {
      return of(t, java.util.Optional.empty());
    }

    static TemplateView of(Template t, java.util.Optional<TemplateProblem> problem) {
      return new TemplateView(
          t.name(),
          t.description(),
          t.parent().orElse(null),
          t.image().reference().orElse(null),
          t.app().command(),
          t.app().ports(),
          t.app().probe().map(TemplateView::describe).orElse(null),
          t.placement().backend().orElse(null),
          t.placement().allowedBackends(),
          true,
          problem.map(TemplateRoutes.ProblemView::of).orElse(null));
    }

    static TemplateView notLoaded(TemplateProblem problem) {
      return new TemplateView(
          problem.template(),
          null,
          null,
          null,
          List.of(),
          List.of(),
          null,
          null,
          List.of(),
          false,
          TemplateRoutes.ProblemView.of(problem));
    }

    private static String describe(HealthProbe p) {
      return switch (p) {
        case HealthProbe.Http h -> "http " + h.port() + h.path();
        case HealthProbe.Tcp t -> "tcp " + t.port();
        case HealthProbe.Exec e -> "exec " + String.join(" ", e.argv());
      };
    }
  }

  record ExecView(
      int exitCode,
      String stdout,
      String stderr,
      long stdoutBytes,
      long stderrBytes,
      boolean stdoutTruncated,
      boolean stderrTruncated,
      boolean timedOut,
      long durationMs) {
    static ExecView of(ExecResult r) {
      return new ExecView(
          r.exitCode(),
          new String(r.stdout(), StandardCharsets.UTF_8),
          new String(r.stderr(), StandardCharsets.UTF_8),
          r.stdoutBytes(),
          r.stderrBytes(),
          r.stdoutTruncated(),
          r.stderrTruncated(),
          r.timedOut(),
          r.elapsed().toMillis());
    }
  }

  record ErrorBody(ErrorDetail error) {
    static ErrorBody of(String code, String message) {
      return new ErrorBody(new ErrorDetail(code, message));
    }
  }

  record ErrorDetail(String code, String message) {}

  /** A refused create whose image Berth can build: {@code templates} are what to build first. */
  record ImageNotBuiltBody(ImageNotBuiltDetail error) {}

  record ImageNotBuiltDetail(String code, String message, List<String> templates) {}
}
