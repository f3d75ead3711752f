package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.images.BuildListener;
import dev.berth.images.BuildOptions;
import dev.berth.images.BuildReport;
import dev.berth.images.ContextPreparation;
import dev.berth.images.ImageBuilder;
import dev.berth.images.ImageEngine;
import dev.berth.images.ImageFreshness;
import dev.berth.images.ImageResult;
import dev.berth.images.ImageResult.Outcome;
import dev.berth.template.TemplateCatalog;
import dev.berth.template.TemplateLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Template image builds against the real engine: order, content-hash tags, cache reuse versus the
 * default no-cache rebuild (told apart by image ids), children rebuilt when their parent changes,
 * build components cleaned up after success and failure, and a failed build that keeps the old
 * image and stops the run.
 */
class DockerImageBuildTest extends DockerTestBase {
  @TempDir Path templates;
  ImageEngine images;
  ImageBuilder builder;
  final List<String> started = new ArrayList<>();

  @BeforeEach
  void family() throws IOException {
    ImageFamily.write(templates);
    images = runtime.images().engine();
    builder = new ImageBuilder(this::catalog, images);
  }

  private TemplateCatalog catalog() {
    return TemplateLoader.load(templates);
  }

  private BuildReport build(boolean cache, String... names) {
    return builder.build(
        new BuildOptions(List.of(names), cache, false),
        new BuildListener() {
          @Override
          public void started(String template, int index, int total) {
            started.add(template);
          }
        });
  }

  private Map<String, ImageResult> byName(BuildReport r) {
    return r.images().stream().collect(Collectors.toMap(ImageResult::template, i -> i));
  }

  private String latest(String template) {
    return images.inspect(prefix + "/" + template + ":latest").orElseThrow().id();
  }

  private List<String> contextFiles(String template) throws IOException {
    Path dir = templates.resolve(template);
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void buildingTheJupyterLikeChildAloneBuildsItsAncestorFirst() {
    BuildReport report = build(false, "tjup");

    assertThat(started).containsExactly("tops", "tjup");
    assertThat(report.ok()).isTrue();
    assertThat(report.images())
        .extracting(ImageResult::template, ImageResult::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("tops", Outcome.BUILT),
            org.assertj.core.groups.Tuple.tuple("tjup", Outcome.BUILT));
    ImageResult jup = byName(report).get("tjup");
    assertThat(jup.reference()).matches(prefix + "/tjup:[0-9a-f]{12}");
    assertThat(images.inspect(jup.reference()).orElseThrow().id()).isEqualTo(latest("tjup"));
    assertThat(jup.sizeBytes()).isPositive();

    // A session of the template runs the built image, with the libraries copied out of tops.
    var s = started(catalog().get("tjup"));
    assertThat(out(sh(s, "cat /opt/jup/lib/version.txt"))).isEqualTo("1\n");
    assertThat(runtime.images().imageId(s)).hasValue(latest("tjup"));
  }

  @Test
  void cacheReusesUnchangedImagesAndTheDefaultRebuildsEverything() {
    Map<String, ImageResult> first = byName(build(false));
    assertThat(first.keySet()).containsExactlyInAnyOrder("tops", "tstudio", "tjup");

    Map<String, ImageResult> cached = byName(build(true));
    for (String t : List.of("tops", "tstudio", "tjup")) {
      assertThat(cached.get(t).outcome()).as(t).isEqualTo(Outcome.CACHED);
      assertThat(cached.get(t).imageId()).as(t).isEqualTo(first.get(t).imageId());
      assertThat(cached.get(t).reference()).as(t).isEqualTo(first.get(t).reference());
    }

    Map<String, ImageResult> rebuilt = byName(build(false));
    for (String t : List.of("tops", "tstudio", "tjup")) {
      assertThat(rebuilt.get(t).outcome()).as(t).isEqualTo(Outcome.BUILT);
      assertThat(rebuilt.get(t).imageId()).as(t).isNotEqualTo(first.get(t).imageId());
      assertThat(latest(t)).as(t).isEqualTo(rebuilt.get(t).imageId());
    }
    // The parent's content is the same, so its hash tag is too; its children's changed with its id.
    assertThat(rebuilt.get("tops").reference()).isEqualTo(first.get("tops").reference());
    assertThat(rebuilt.get("tjup").reference()).isNotEqualTo(first.get("tjup").reference());
  }

  @Test
  void changingTheParentRebuildsItsChildrenInTheSameRunEvenWithCache() throws IOException {
    Map<String, ImageResult> first = byName(build(true));
    Files.writeString(templates.resolve("tops/lib/version.txt"), "2\n");

    BuildReport report = build(true, "tops");

    assertThat(started).endsWith("tops", "tjup", "tstudio");
    Map<String, ImageResult> second = byName(report);
    for (String t : List.of("tops", "tstudio", "tjup")) {
      assertThat(second.get(t).outcome()).as(t).isEqualTo(Outcome.BUILT);
      assertThat(second.get(t).imageId()).as(t).isNotEqualTo(first.get(t).imageId());
    }
    var s = started(catalog().get("tjup"));
    assertThat(out(sh(s, "cat /opt/jup/lib/version.txt"))).isEqualTo("2\n");
  }

  private ImageFreshness freshness(String template) {
    return ImageFreshness.of(
        catalog().get(template),
        builder.graph(),
        t -> images.inspect(prefix + "/" + t + ":latest"));
  }

  @Test
  void rebuildingTheParentThroughOneChildMarksTheSiblingOutdatedAndACachedRunRebuildsOnlyIt()
      throws IOException {
    build(false);
    for (String t : List.of("tops", "tstudio", "tjup")) {
      assertThat(freshness(t).status()).as(t).isEqualTo(ImageFreshness.Status.CURRENT);
    }

    Map<String, ImageResult> viaStudio = byName(build(false, "tstudio"));
    assertThat(viaStudio.keySet()).containsExactlyInAnyOrder("tops", "tstudio");
    var tops = images.inspect(prefix + "/tops:latest").orElseThrow();
    assertThat(freshness("tjup").status()).isEqualTo(ImageFreshness.Status.OUTDATED);
    assertThat(freshness("tjup").reasons())
        .containsExactly(
            "parent tops rebuilt at "
                + tops.created().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertThat(freshness("tstudio").status()).isEqualTo(ImageFreshness.Status.CURRENT);

    // What `berth update` runs: everything, with the cache. Only the sibling is built again.
    started.clear();
    Map<String, ImageResult> update = byName(build(true));
    assertThat(update.get("tops").outcome()).isEqualTo(Outcome.CACHED);
    assertThat(update.get("tstudio").outcome()).isEqualTo(Outcome.CACHED);
    assertThat(update.get("tjup").outcome()).isEqualTo(Outcome.BUILT);
    assertThat(update.get("tstudio").imageId()).isEqualTo(viaStudio.get("tstudio").imageId());
    assertThat(freshness("tjup").status()).isEqualTo(ImageFreshness.Status.CURRENT);

    // Edited sources: the Dockerfile, or a file of the context.
    Path dockerfile = templates.resolve("tjup/Dockerfile");
    Files.writeString(dockerfile, Files.readString(dockerfile) + "ENV EDITED=1\n");
    Files.writeString(templates.resolve("tops/lib/version.txt"), "3\n");
    assertThat(freshness("tjup").reasons()).containsExactly("sources changed since its last build");
    assertThat(freshness("tops").reasons()).containsExactly("sources changed since its last build");
    assertThat(freshness("tstudio").status()).isEqualTo(ImageFreshness.Status.CURRENT);
  }

  @Test
  void buildComponentsAreRemovedFromTheContextAfterSuccessAndAfterFailure() throws IOException {
    List<String> before = contextFiles("tops");
    assertThat(before).doesNotContain("bin/busybox", ContextPreparation.MARKER);

    assertThat(build(false, "tops").ok()).isTrue();
    assertThat(contextFiles("tops")).isEqualTo(before);

    ImageFamily.breakBuild(templates, "tops");
    List<String> broken = contextFiles("tops");
    BuildReport failed = build(false, "tops");
    assertThat(failed.ok()).isFalse();
    assertThat(contextFiles("tops")).isEqualTo(broken).doesNotContain("bin/busybox");
  }

  @Test
  void aFailedBuildKeepsThePreviousImageSaysWhichStepFailedAndStopsTheRun() throws IOException {
    Map<String, ImageResult> good = byName(build(false));
    ImageFamily.breakBuild(templates, "tops");

    BuildReport report = build(false);

    assertThat(report.ok()).isFalse();
    ImageResult tops = report.failure().orElseThrow();
    assertThat(tops.template()).isEqualTo("tops");
    assertThat(tops.failedStep()).matches("Step 5/\\d+ : RUN .*exit 3.*");
    assertThat(tops.error()).contains("returned a non-zero code: 3");
    assertThat(tops.logTail()).anyMatch(l -> l.contains("compiling the libraries"));
    assertThat(tops.imageId()).isEqualTo(good.get("tops").imageId());
    assertThat(report.images())
        .filteredOn(i -> !i.template().equals("tops"))
        .extracting(ImageResult::outcome)
        .containsOnly(Outcome.SKIPPED);
    assertThat(started).endsWith("tops");
    for (String t : List.of("tops", "tstudio", "tjup")) {
      assertThat(latest(t)).as(t + " keeps its image").isEqualTo(good.get(t).imageId());
    }
  }

  @Test
  void anotherInstallationWithTheSamePrefixNeverRetagsThisOnesImagesAndIsRefusedAtStartUp() {
    ImageResult mine = byName(build(false, "tops")).get("tops");
    // Not closed: it shares this class's engine connection.
    var other =
        new DockerRuntime(
            engine,
            prefix,
            "other-" + prefix,
            DefaultImage.HOST_BUSYBOX,
            SessionNetworks.PER_SESSION);
    var theirs = new ImageBuilder(this::catalog, other.images().engine());
    for (boolean cache : new boolean[] {false, true}) {
      BuildReport report =
          theirs.build(new BuildOptions(List.of("tops"), cache, false), BuildListener.NONE);
      assertThat(report.ok()).as("cache " + cache).isFalse();
      assertThat(report.failure().orElseThrow().error())
          .contains("was built by another Berth installation (instance " + instance() + ")")
          .contains("Berth never re-tags it: give this installation a different prefix");
    }
    assertThat(latest("tops")).isEqualTo(mine.imageId());
    assertThat(images.inspect(mine.reference()).orElseThrow().id()).isEqualTo(mine.imageId());

    assertThatThrownBy(() -> other.refuseAnotherInstallation("/srv/other"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another Berth installation uses the prefix '" + prefix + "'")
        .hasMessageContaining("instance " + instance() + ": image " + prefix + "/")
        .hasMessageContaining("(instance other-" + prefix + ", data directory /srv/other)")
        .hasMessageContaining("BERTH_PREFIX=<name>");
    runtime.refuseAnotherInstallation("/srv/mine"); // its refused builds left nothing of its own
  }

  @Test
  void aTemplateWithoutItsImageBuiltCannotStartAndSaysHowToBuildIt() throws IOException {
    Path never = Files.createDirectories(templates.resolve("tnever"));
    Files.writeString(never.resolve("template.yaml"), "description: never built\n");
    Files.writeString(never.resolve("Dockerfile"), "FROM scratch\n");
    Path child = Files.createDirectories(templates.resolve("tnever-child"));
    Files.writeString(child.resolve("template.yaml"), "parent: tnever\n");
    assertThatThrownBy(() -> prepared(catalog().get("tnever-child")))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining(prefix + "/tnever:latest, which is not built yet")
        .hasMessageContaining("berth images build tnever");
  }
}
