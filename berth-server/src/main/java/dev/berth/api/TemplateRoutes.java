package dev.berth.api;

import static dev.berth.api.ApiAuth.principal;

import dev.berth.service.SessionService;
import dev.berth.template.Template;
import dev.berth.template.TemplateProblem;
import dev.berth.template.TemplateReload;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The templates: what is loaded (and what does not load, with the file and what to fix), and
 * reading the templates directory again while Berth runs.
 */
final class TemplateRoutes {
  private final SessionService sessions;

  TemplateRoutes(SessionService sessions) {
    this.sessions = sessions;
  }

  void register(RoutesConfig r) {
    r.get("/api/v1/templates", this::list);
    r.post("/api/v1/templates/reload", this::reload);
  }

  /**
   * Every loaded template, then every template that does not load. A template that broke after it
   * had loaded is listed as loaded (its last good version is in use) with its problem.
   */
  private void list(Context ctx) {
    principal(ctx);
    Map<String, TemplateProblem> problems =
        sessions.templateSource().problems().stream()
            .collect(Collectors.toMap(TemplateProblem::template, Function.identity(), (a, b) -> a));
    List<ApiViews.TemplateView> out = new ArrayList<>();
    for (Template t : sessions.templates().all()) {
      out.add(ApiViews.TemplateView.of(t, Optional.ofNullable(problems.remove(t.name()))));
    }
    problems.values().stream().map(ApiViews.TemplateView::notLoaded).forEach(out::add);
    ctx.json(out);
  }

  private void reload(Context ctx) {
    principal(ctx).checkAdmin("reloading templates");
    TemplateReload done = sessions.templateSource().reload();
    sessions.pools().refill(); // a changed template's members are replaced now, not next pass
    ctx.json(ReloadView.of(done));
  }

  /** What a reload loaded and what it skipped (see {@link TemplateReload}). */
  record ReloadView(
      List<String> loaded,
      List<String> added,
      List<String> changed,
      List<String> removed,
      List<String> kept,
      List<ProblemView> skipped,
      Instant at) {
    static ReloadView of(TemplateReload r) {
      return new ReloadView(
          r.loaded(),
          r.added(),
          r.changed(),
          r.removed(),
          r.kept(),
          r.skipped().stream().map(ProblemView::of).toList(),
          r.at());
    }
  }

  /** Why a template does not load: its file and each thing to fix there. */
  record ProblemView(String template, String file, List<String> errors) {
    static ProblemView of(TemplateProblem p) {
      return new ProblemView(p.template(), p.file().toString(), p.errors());
    }
  }
}
