package dev.berth.template;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Why a template does not load: its file and each thing to fix there.
 *
 * @param template the template's (folder's) name; empty for a problem with the whole directory
 * @param file the {@code template.yaml} (or the directory) the problem is in
 * @param errors what is wrong, one entry each, in words that say what to fix
 */
public record TemplateProblem(String template, Path file, List<String> errors) {
  public TemplateProblem {
    errors = List.copyOf(errors);
  }

  /** Both problems' errors (for one template). */
  TemplateProblem and(TemplateProblem more) {
    List<String> all = new ArrayList<>(errors);
    all.addAll(more.errors);
    return new TemplateProblem(template, file, all);
  }

  /** The errors in one line each, joined. */
  public String message() {
    return String.join("; ", errors);
  }
}
