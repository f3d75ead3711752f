package dev.berth.template;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.util.List;

/**
 * Where the templates Berth uses come from: a fixed {@link TemplateCatalog}, or {@link
 * ReloadingTemplates}, which swaps in a new catalog when the templates directory changes. Callers
 * ask for {@link #current()} at each use and keep nothing, so a reload applies everywhere at once.
 */
public interface TemplateSource {
  /** The catalog as of now: immutable, swapped as a whole by a reload. */
  TemplateCatalog current();

  /** The templates that did not load at the last read, each with its file and what to fix. */
  default List<TemplateProblem> problems() {
    return List.of();
  }

  /**
   * Reads the templates again and swaps in what loads; see {@link ReloadingTemplates#reload}.
   * {@code UNSUPPORTED} for a fixed catalog.
   */
  default TemplateReload reload() {
    throw new BerthException(
        ErrorCode.UNSUPPORTED,
        "this Berth's templates are fixed (not read from a templates directory); nothing to reload");
  }
}
