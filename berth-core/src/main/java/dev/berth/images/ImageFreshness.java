package dev.berth.images;

import dev.berth.images.ImageEngine.ImageInfo;
import dev.berth.template.Template;
import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Whether a template's {@code :latest} image is what a build would make now: it is outdated when an
 * image it was built on has been rebuilt since (a sibling's build rebuilt their shared parent), or
 * when the template's sources changed since its build. Read from the image's {@link BuildRecord}.
 *
 * @param reasons why it is outdated (or why that cannot be told), for people: {@code parent tops
 *     rebuilt at 2025-05-20T10:04:11Z}, {@code sources changed since its last build}
 */
public record ImageFreshness(Status status, List<String> reasons) {
  public enum Status {
    /** Never built (or its image was removed). */
    NOT_BUILT,
    /** Built from its current sources on the current images of its parents. */
    CURRENT,
    /** A build would make a different image; {@code berth update} rebuilds it. */
    OUTDATED,
    /** Built by an older Berth without a build record, or its sources cannot be read. */
    UNKNOWN
  }

  static final String SOURCES_CHANGED = "sources changed since its last build";

  public ImageFreshness {
    reasons = List.copyOf(reasons);
  }

  /**
   * Judges {@code template}'s image.
   *
   * @param latest what the {@code :latest} tag of a template's image names now
   */
  public static ImageFreshness of(
      Template template, ImageGraph graph, Function<String, Optional<ImageInfo>> latest) {
    Optional<ImageInfo> image = latest.apply(template.name());
    if (image.isEmpty()) {
      return new ImageFreshness(Status.NOT_BUILT, List.of());
    }
    Optional<String> sources;
    String unreadable = "";
    try {
      sources = Optional.of(SourceDigest.of(template.image().build().orElseThrow()));
    } catch (IOException | RuntimeException e) {
      sources = Optional.empty();
      unreadable = "its sources cannot be read: " + e.getMessage();
    }
    List<String> deps = List.copyOf(graph.dependenciesOf(template.name()));
    return judge(image.get(), sources, unreadable, deps, latest);
  }

  /** The pure part: the image's record against the current sources and parents. */
  static ImageFreshness judge(
      ImageInfo image,
      Optional<String> sources,
      String unreadable,
      List<String> dependencies,
      Function<String, Optional<ImageInfo>> latest) {
    Optional<BuildRecord> record = BuildRecord.of(image.labels());
    if (record.isEmpty()) {
      return new ImageFreshness(
          Status.UNKNOWN,
          List.of(
              "built without a build record (by an older Berth): rebuild it once with 'berth"
                  + " images build' to track its parents and sources"));
    }
    List<String> reasons = new ArrayList<>();
    for (String dep : dependencies) {
      Optional<ImageInfo> parent = latest.apply(dep);
      String recorded = record.get().uses().get(dep);
      if (parent.isEmpty()) {
        reasons.add("parent " + dep + " has no image now: build it");
      } else if (recorded == null) {
        reasons.add("now built on " + dep + ", which its last build did not use");
      } else if (!recorded.equals(parent.get().id())) {
        reasons.add(
            "parent "
                + dep
                + " rebuilt at "
                + parent.get().created().truncatedTo(ChronoUnit.SECONDS));
      }
    }
    if (sources.isPresent() && !sources.get().equals(record.get().sources())) {
      reasons.add(SOURCES_CHANGED);
    }
    if (!reasons.isEmpty()) {
      return new ImageFreshness(Status.OUTDATED, reasons);
    }
    if (sources.isEmpty()) {
      return new ImageFreshness(Status.UNKNOWN, List.of(unreadable));
    }
    return new ImageFreshness(Status.CURRENT, List.of());
  }
}
