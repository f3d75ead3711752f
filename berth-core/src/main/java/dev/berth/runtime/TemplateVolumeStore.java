package dev.berth.runtime;

import dev.berth.template.Template;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The template volumes of a backend that makes them ({@link SessionRuntime#templateVolumes()}):
 * read-only copies of a template's folder ({@link dev.berth.template.TemplateVolume}), one per
 * content hash, that belong to no session. A session's prepare makes the one its template's files
 * need now; this lists them and removes those nothing needs any more.
 */
public interface TemplateVolumeStore {

  /**
   * One template volume.
   *
   * @param name the backend's name for it, e.g. {@code berth-pipeline-3f2a9c01b7de}
   * @param template the template whose files it holds
   * @param contentHash the hash of those files ({@link dev.berth.template.TemplateVolumeContent})
   * @param createdAt when Berth made it, if known
   * @param current whether the template's files are still exactly these (new sessions get it)
   * @param usedBy the containers (or pods) that mount it, running or not
   */
  record Listed(
      String name,
      String template,
      String contentHash,
      Optional<Instant> createdAt,
      boolean current,
      List<String> usedBy) {
    public Listed {
      usedBy = List.copyOf(usedBy);
    }

    /** Whether nothing needs it: no template's current files and no container. */
    public boolean unused() {
      return !current && usedBy.isEmpty();
    }
  }

  /**
   * What {@link #collect} did with one volume nothing needed.
   *
   * @param failure why it could not be removed; empty when it was (or, in a dry run, would be)
   */
  record Collected(Listed volume, Optional<String> failure) {}

  /** Every template volume of this installation, judged against {@code templates} as they are. */
  List<Listed> list(Collection<Template> templates);

  /**
   * Removes the template volumes that no template of {@code templates} (as their files are now) and
   * no container needs, made before {@code cutoff} (a volume made a moment ago may be about to be
   * mounted by the session that made it); only lists them when {@code dryRun}. Never throws for one
   * volume: each is in the answer, with its failure.
   */
  List<Collected> collect(Collection<Template> templates, Instant cutoff, boolean dryRun);
}
