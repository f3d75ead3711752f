package dev.berth.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.images.ImageEngine.ImageInfo;
import dev.berth.images.ImageFreshness.Status;
import dev.berth.template.ImageBuild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Telling an outdated template image from the build record on it: a rebuilt parent, changed sources
 * (the Dockerfile, the context, a component), and what does not count as a change (a preparation's
 * copies, times).
 */
class ImageFreshnessTest {
  @TempDir Path tmp;
  Path context;
  Path component;

  @BeforeEach
  void setUp() throws IOException {
    context = Files.createDirectories(tmp.resolve("app"));
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY . /\n");
    Files.writeString(context.resolve("own.txt"), "mine");
    component = Files.writeString(tmp.resolve("agent"), "agent v1");
  }

  private ImageBuild build() {
    return new ImageBuild(
        "app",
        context,
        "Dockerfile",
        Map.of("V", "1"),
        Map.of("bin/agent", component),
        Optional.empty());
  }

  private static ImageInfo image(String id, Instant created, Map<String, String> labels) {
    return new ImageInfo(id, 1, created, List.of(), labels);
  }

  @Test
  void aRebuiltParentAndChangedSourcesAreTheReasonsAndAnUntouchedImageIsCurrent() {
    Instant rebuilt = Instant.parse("2025-05-20T10:04:11.5Z");
    var record = new BuildRecord("s1", Map.of("ops", "sha256:old", "base", "sha256:b"));
    ImageInfo child = image("sha256:c", Instant.EPOCH, record.labels());
    Map<String, ImageInfo> parents =
        Map.of(
            "ops", image("sha256:new", rebuilt, Map.of()),
            "base", image("sha256:b", Instant.EPOCH, Map.of()));

    ImageFreshness outdated =
        ImageFreshness.judge(
            child,
            Optional.of("s2"),
            "",
            List.of("base", "ops"),
            t -> Optional.ofNullable(parents.get(t)));
    assertThat(outdated.status()).isEqualTo(Status.OUTDATED);
    assertThat(outdated.reasons())
        .containsExactly(
            "parent ops rebuilt at 2025-05-20T10:04:11Z", "sources changed since its last build");

    ImageFreshness current =
        ImageFreshness.judge(
            child,
            Optional.of("s1"),
            "",
            List.of("base"),
            t -> Optional.ofNullable(parents.get(t)));
    assertThat(current).isEqualTo(new ImageFreshness(Status.CURRENT, List.of()));

    ImageFreshness untracked =
        ImageFreshness.judge(
            image("sha256:x", Instant.EPOCH, Map.of("berth.image", "app")),
            Optional.of("s1"),
            "",
            List.of(),
            t -> Optional.empty());
    assertThat(untracked.status()).isEqualTo(Status.UNKNOWN);
    assertThat(untracked.reasons().getFirst())
        .contains("rebuild it once with 'berth images build'");
  }

  @Test
  void theBuildRecordSurvivesItsLabels() {
    var record = new BuildRecord("abc", Map.of("b", "sha256:2", "a", "sha256:1"));
    assertThat(record.labels())
        .containsEntry("berth.image.uses", "a=sha256:1,b=sha256:2")
        .containsEntry("berth.image.sources", "abc");
    assertThat(BuildRecord.of(record.labels())).hasValue(record);
    var alone = new BuildRecord("abc", Map.of());
    assertThat(BuildRecord.of(alone.labels())).hasValue(alone);
    assertThat(BuildRecord.of(Map.of())).isEmpty();
  }

  @Test
  void theSourceDigestChangesWithTheSourcesOnly() throws IOException {
    String first = SourceDigest.of(build());
    assertThat(SourceDigest.of(build())).isEqualTo(first);

    // A preparation's copies (listed in its marker) are not the user's sources; times are not
    // content.
    try (var prep = ContextPreparation.prepare(build())) {
      assertThat(context.resolve("bin/agent")).exists();
      assertThat(SourceDigest.of(build())).isEqualTo(first);
    }
    Files.setLastModifiedTime(
        context.resolve("own.txt"), java.nio.file.attribute.FileTime.fromMillis(0));
    assertThat(SourceDigest.of(build())).isEqualTo(first);

    Files.writeString(component, "agent v2");
    String componentChanged = SourceDigest.of(build());
    assertThat(componentChanged).isNotEqualTo(first);

    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY own.txt /\n");
    String dockerfileChanged = SourceDigest.of(build());
    assertThat(dockerfileChanged).isNotEqualTo(componentChanged);

    var otherArgs =
        new ImageBuild(
            "app",
            context,
            "Dockerfile",
            Map.of("V", "2"),
            Map.of("bin/agent", component),
            Optional.empty());
    assertThat(SourceDigest.of(otherArgs)).isNotEqualTo(dockerfileChanged);
  }
}
