package dev.berth.images;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What an image was built from, kept as labels on the image itself so that any later look at the
 * engine can tell whether it is still current: the digest of its template's sources ({@link
 * SourceDigest}) and the id of each template image it was built on. Labels rather than a registry
 * table: they live and die with the image, and they are there for every installation that reads the
 * engine.
 *
 * @param sources {@link SourceDigest} of the template when it was built
 * @param uses template name to the image id it was built on, for every image its build used
 */
public record BuildRecord(String sources, Map<String, String> uses) {
  static final String SOURCES = "berth.image.sources";
  static final String USES = "berth.image.uses";

  public BuildRecord {
    uses = Map.copyOf(uses);
  }

  /** The labels that carry this record. Both always: an image inherits its base image's labels. */
  Map<String, String> labels() {
    StringBuilder list = new StringBuilder();
    new TreeMap<>(uses)
        .forEach(
            (t, id) -> list.append(list.isEmpty() ? "" : ",").append(t).append('=').append(id));
    return Map.of(SOURCES, sources, USES, list.toString());
  }

  /** The record an image's labels carry; empty for an image built without one (older Berth). */
  static Optional<BuildRecord> of(Map<String, String> labels) {
    String sources = labels.get(SOURCES);
    String list = labels.get(USES);
    if (sources == null || sources.isEmpty() || list == null) {
      return Optional.empty();
    }
    Map<String, String> uses = new TreeMap<>();
    for (String item : list.split(",")) {
      int eq = item.indexOf('=');
      if (eq > 0) {
        uses.put(item.substring(0, eq), item.substring(eq + 1));
      }
    }
    return Optional.of(new BuildRecord(sources, uses));
  }
}
