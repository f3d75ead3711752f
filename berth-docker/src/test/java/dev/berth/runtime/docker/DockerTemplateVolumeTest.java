package dev.berth.runtime.docker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.TemplateVolumeStore;
import dev.berth.template.Template;
import dev.berth.template.TemplateVolumeContent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-only template volume on a real engine: one copy of the template's files per content,
 * seeded once, mounted read-only into every session, a new copy when the files change, and removed
 * by a collect once no template and no session needs it.
 */
class DockerTemplateVolumeTest extends DockerTestBase {
  @TempDir Path dir;

  /**
   * Each test its own template name: template volumes outlive sessions, and the class shares one
   * prefix.
   */
  private Template template(String name, Path files) {
    return Template.builder(name).templateVolume("/template", files).build();
  }

  private Path files() throws IOException {
    Path files = Files.createDirectories(dir.resolve("files"));
    Files.writeString(files.resolve("model.txt"), "weights v1\n");
    Files.createDirectories(files.resolve("lib"));
    Path tool = Files.writeString(files.resolve("lib/tool.sh"), "#!/bin/sh\necho tool\n");
    tool.toFile().setExecutable(true);
    return files;
  }

  private static String volumeOf(RuntimeSession s) {
    return container(s).getMounts().stream()
        .filter(m -> "/template".equals(m.getDestination().getPath()))
        .map(m -> m.getName())
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no mount at /template in " + container(s).getMounts()));
  }

  /** The template's volumes (the other tests' are there too: one prefix per class). */
  private static List<TemplateVolumeStore.Listed> listed(Template t) {
    return runtime.templateVolumes().orElseThrow().list(List.of(t)).stream()
        .filter(v -> v.template().equals(t.name()))
        .toList();
  }

  /** Collects, and returns what was collected of {@code t}'s volumes. */
  private static List<TemplateVolumeStore.Collected> collect(
      Template t, List<Template> current, Instant cutoff, boolean dryRun) {
    return runtime.templateVolumes().orElseThrow().collect(current, cutoff, dryRun).stream()
        .filter(c -> c.volume().template().equals(t.name()))
        .toList();
  }

  @Test
  void mountedReadOnlyAndSharedByTheTemplatesSessions() throws IOException {
    Template t = template("tvol", files());
    RuntimeSession a = started(t);
    RuntimeSession b = started(t);
    String hash = TemplateVolumeContent.hash(dir.resolve("files"));
    String volume = prefix + "-tvol-" + hash.substring(0, 12);
    assertThat(volumeOf(a)).isEqualTo(volume);
    assertThat(volumeOf(b)).as("both sessions mount the one copy").isEqualTo(volume);

    var read =
        sh(a, "cat /template/model.txt && /template/lib/tool.sh && echo $BERTH_TEMPLATE_FILES");
    assertThat(read.exitCode()).as(new String(read.stderr(), UTF_8)).isZero();
    assertThat(out(read)).isEqualTo("weights v1\ntool\n/template\n");

    var write = sh(a, "echo x > /template/new.txt");
    assertThat(write.exitCode()).as("a write inside the template volume fails").isNotZero();
    assertThat(new String(write.stderr(), UTF_8)).containsIgnoringCase("read-only");
    var remove = sh(b, "rm /template/model.txt");
    assertThat(remove.exitCode()).isNotZero();
    assertThat(out(sh(b, "cat /template/model.txt"))).isEqualTo("weights v1\n");

    var labels = engine.client.inspectVolumeCmd(volume).exec().getLabels();
    assertThat(labels)
        .containsEntry(DockerLabels.INSTANCE, instance())
        .containsEntry(DockerLabels.TYPE, TemplateVolumes.TYPE)
        .containsEntry(DockerLabels.TEMPLATE, "tvol")
        .containsEntry(TemplateVolumes.LABEL_CONTENT, hash)
        .doesNotContainKey(DockerLabels.SESSION);
    assertThat(engine.client.listContainersCmd().withShowAll(true).exec())
        .as("the seed container is gone once the files are in")
        .noneMatch(c -> c.getNames()[0].contains("-seed-"));
    assertThat(runtime.listOwned())
        .as("a template volume is no session's resource, so never an orphan")
        .noneMatch(r -> r.name().equals(volume));

    var destroyed = runtime.destroy(a);
    assertThat(destroyed.complete()).isTrue();
    assertThat(destroyed.removed()).noneMatch(r -> r.name().equals(volume));
    assertThat(out(sh(b, "cat /template/model.txt")))
        .as("deleting one session leaves the others' template volume")
        .isEqualTo("weights v1\n");
  }

  @Test
  void theSessionsExtraContainersMountTheSameCopyReadOnly() throws IOException {
    Template t =
        template("tvolmulti", files()).toBuilder()
            .containers(
                dev.berth.template.SessionContainers.ordered(
                    List.of(
                        dev.berth.template.SessionContainer.of(
                            "plugin", Pipelines.sh("exec sleep infinity")))))
            .build();
    RuntimeSession s = started(t);
    var read =
        DockerMultiContainerTest.shIn(
            s, "plugin", "cat /template/model.txt && echo $BERTH_TEMPLATE_FILES");
    assertThat(read.exitCode()).as(new String(read.stderr(), UTF_8)).isZero();
    assertThat(out(read)).isEqualTo("weights v1\n/template\n");
    assertThat(DockerMultiContainerTest.shIn(s, "plugin", "echo x > /template/new.txt").exitCode())
        .as("read-only in the extra container too")
        .isNotZero();
    String plugin = DockerMultiContainerTest.byType(s).get("plugin").name();
    assertThat(engine.client.inspectContainerCmd(plugin).exec().getMounts())
        .filteredOn(m -> "/template".equals(m.getDestination().getPath()))
        .singleElement()
        .satisfies(m -> assertThat(m.getName()).isEqualTo(volumeOf(s)));
  }

  @Test
  void changedFilesGiveNewSessionsANewVolumeAndGcTakesTheOldOneWhenItsSessionIsGone()
      throws IOException {
    Path files = files();
    Template t = template("tchange", files);
    RuntimeSession old = started(t);
    String oldVolume = volumeOf(old);

    Files.writeString(files.resolve("model.txt"), "weights v2\n");
    RuntimeSession fresh = started(t);
    String newVolume = volumeOf(fresh);
    assertThat(newVolume).isNotEqualTo(oldVolume).startsWith(prefix + "-tchange-");
    assertThat(out(sh(fresh, "cat /template/model.txt"))).isEqualTo("weights v2\n");
    assertThat(out(sh(old, "cat /template/model.txt")))
        .as("the session made on the old files keeps them")
        .isEqualTo("weights v1\n");

    assertThat(listed(t))
        .extracting(
            TemplateVolumeStore.Listed::name,
            TemplateVolumeStore.Listed::current,
            v -> v.usedBy().size())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                oldVolume.compareTo(newVolume) < 0 ? oldVolume : newVolume,
                oldVolume.compareTo(newVolume) >= 0,
                1),
            org.assertj.core.groups.Tuple.tuple(
                oldVolume.compareTo(newVolume) < 0 ? newVolume : oldVolume,
                oldVolume.compareTo(newVolume) < 0,
                1));
    Instant later = Instant.now().plusSeconds(60);
    assertThat(collect(t, List.of(t), later, false))
        .as("nothing is collected while the old session still has its container")
        .isEmpty();

    runtime.destroy(old);
    assertThat(collect(t, List.of(t), Instant.EPOCH, false))
        .as("a volume younger than the grace period stays")
        .isEmpty();
    var collected = collect(t, List.of(t), later, false);
    assertThat(collected)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.volume().name()).isEqualTo(oldVolume);
              assertThat(c.failure()).isEmpty();
            });
    assertThat(listed(t)).extracting(TemplateVolumeStore.Listed::name).containsExactly(newVolume);

    runtime.destroy(fresh);
    assertThat(collect(t, List.of(t), later, true))
        .as("the current files' volume stays while the template needs it")
        .isEmpty();
    assertThat(collect(t, List.of(), later, false))
        .as("once the template is gone, its volume goes too")
        .extracting(c -> c.volume().name())
        .containsExactly(newVolume);
    assertThat(engine.client.listVolumesCmd().exec().getVolumes())
        .noneMatch(v -> v.getName().equals(newVolume) || v.getName().equals(oldVolume));
  }

  @Test
  void aSeedThatDidNotFinishIsDoneAgain() throws IOException {
    Path files = files();
    Template t = template("tseed", files);
    String hash = TemplateVolumeContent.hash(files);
    String volume = TemplateVolumes.name(prefix, "tseed", hash);
    // What a manager killed half way through a seed leaves: the seed container with its (labelled,
    // empty) volume.
    engine
        .client
        .createContainerCmd(new DefaultImage(engine, prefix, DefaultImage.HOST_BUSYBOX).ensure())
        .withName(TemplateVolumes.seedName(prefix, "tseed", hash))
        .withLabels(
            Map.of(DockerLabels.INSTANCE, instance(), DockerLabels.TYPE, TemplateVolumes.TYPE_SEED))
        .withCmd("true")
        .withHostConfig(
            com.github.dockerjava.api.model.HostConfig.newHostConfig()
                .withMounts(
                    List.of(
                        new com.github.dockerjava.api.model.Mount()
                            .withType(com.github.dockerjava.api.model.MountType.VOLUME)
                            .withSource(volume)
                            .withTarget("/berth-seed")
                            .withVolumeOptions(
                                new com.github.dockerjava.api.model.VolumeOptions()
                                    .withLabels(
                                        Map.of(
                                            DockerLabels.INSTANCE,
                                            instance(),
                                            DockerLabels.TYPE,
                                            TemplateVolumes.TYPE))))))
        .exec();
    RuntimeSession s = started(t);
    assertThat(volumeOf(s)).isEqualTo(volume);
    assertThat(out(sh(s, "cat /template/model.txt"))).isEqualTo("weights v1\n");
  }

  @Test
  void aVolumeOfThatNameThatIsNotBerthsIsAConflict() throws IOException {
    Path files = files();
    Template t = template("tstranger", files);
    String volume = TemplateVolumes.name(prefix, "tstranger", TemplateVolumeContent.hash(files));
    engine.client.createVolumeCmd().withName(volume).exec();
    assertCode(() -> prepared(t), dev.berth.base.ErrorCode.CONFLICT);
    assertThat(engine.client.inspectVolumeCmd(volume).exec().getName())
        .as("a stranger's volume is left alone")
        .isEqualTo(volume);
  }
}
