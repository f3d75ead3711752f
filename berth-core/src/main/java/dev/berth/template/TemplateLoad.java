package dev.berth.template;

import java.util.List;

/**
 * What reading a templates directory gave: the templates that load, and a problem for each one that
 * does not (see {@link TemplateLoader#loadReporting}).
 */
public record TemplateLoad(TemplateCatalog catalog, List<TemplateProblem> problems) {
  public TemplateLoad {
    problems = List.copyOf(problems);
  }

  public boolean ok() {
    return problems.isEmpty();
  }
}
