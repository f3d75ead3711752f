package dev.berth.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.template.ImageBuild;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextPreparationTest {
  @TempDir Path tmp;
  Path context;
  Path shared;

  @BeforeEach
  void setUp() throws IOException {
    context = Files.createDirectories(tmp.resolve("templates/app"));
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
    Files.writeString(context.resolve("own.txt"), "mine");
    shared = Files.createDirectories(tmp.resolve("shared/agent/bin"));
    Files.writeString(shared.resolve("run"), "#!/bin/sh\n");
    Files.writeString(tmp.resolve("single.txt"), "one file");
  }

  private ImageBuild build(Map<String, Path> components) {
    return new ImageBuild(
        "app", context, "Dockerfile", Map.of(), components, java.util.Optional.empty());
  }

  private Stream<String> contextFiles() throws IOException {
    return Files.walk(context).map(p -> context.relativize(p).toString()).sorted();
  }

  @Test
  void componentsAreCopiedInAndRemovedAfterwardsLeavingTheContextAsItWas() throws IOException {
    var before = contextFiles().toList();
    var b =
        build(
            Map.of(
                "vendor/agent", tmp.resolve("shared/agent"), "one.txt", tmp.resolve("single.txt")));
    try (var prep = ContextPreparation.prepare(b)) {
      assertThat(context.resolve("vendor/agent/bin/run")).hasContent("#!/bin/sh");
      assertThat(context.resolve("one.txt")).hasContent("one file");
    }
    assertThat(contextFiles().toList()).isEqualTo(before);
  }

  @Test
  void aComponentNeverReplacesAFileOfTheContext() throws IOException {
    var b =
        build(Map.of("aaa.txt", tmp.resolve("single.txt"), "own.txt", tmp.resolve("single.txt")));
    var before = contextFiles().toList();
    assertThatThrownBy(() -> ContextPreparation.prepare(b))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("build component 'own.txt' would replace");
    // What was copied before the refusal is gone again, and the user's file is untouched.
    assertThat(contextFiles().toList()).isEqualTo(before);
    assertThat(context.resolve("own.txt")).hasContent("mine");
  }

  @Test
  void aMissingSourceIsAClearError() {
    var b = build(Map.of("agent", tmp.resolve("no-such-agent")));
    assertThatThrownBy(() -> ContextPreparation.prepare(b))
        .hasMessageContaining("template 'app': build component 'agent' comes from")
        .hasMessageContaining("which does not exist");
    assertThat(context.resolve(ContextPreparation.MARKER)).doesNotExist();
  }

  @Test
  void leftoversOfABuildThatNeverFinishedAreRemovedByTheNextPreparation() throws IOException {
    var b = build(Map.of("vendor/agent", tmp.resolve("shared/agent")));
    ContextPreparation.prepare(b); // never closed: as if Berth was killed during the build
    assertThat(context.resolve("vendor/agent/bin/run")).exists();
    try (var prep = ContextPreparation.prepare(b)) {
      assertThat(context.resolve("vendor/agent/bin/run")).exists();
    }
    assertThat(context.resolve("vendor")).doesNotExist();
    assertThat(context.resolve(ContextPreparation.MARKER)).doesNotExist();
  }

  @Test
  void theContextDigestFollowsContentNotTimes() throws IOException {
    String first = ContextArchive.write(context, new ByteArrayOutputStream());
    Files.setLastModifiedTime(context.resolve("own.txt"), FileTime.fromMillis(0));
    assertThat(ContextArchive.write(context, new ByteArrayOutputStream())).isEqualTo(first);
    Files.writeString(context.resolve("own.txt"), "changed");
    assertThat(ContextArchive.write(context, new ByteArrayOutputStream())).isNotEqualTo(first);
  }

  @Test
  void theMarkerIsNeverPartOfTheContext() throws IOException {
    String clean = ContextArchive.write(context, new ByteArrayOutputStream());
    Files.writeString(context.resolve(ContextPreparation.MARKER), "x\n");
    assertThat(ContextArchive.write(context, new ByteArrayOutputStream())).isEqualTo(clean);
  }

  @Test
  void theHashChangesWithArgsAndWithTheImagesUnderneath() {
    String h = ImageHash.of("abc", "Dockerfile", Map.of("A", "1"), Map.of("base", "sha256:1"));
    assertThat(h).hasSize(ImageHash.TAG_LENGTH).matches("[0-9a-f]+");
    assertThat(ImageHash.of("abc", "Dockerfile", Map.of("A", "1"), Map.of("base", "sha256:1")))
        .isEqualTo(h);
    assertThat(ImageHash.of("abc", "Dockerfile", Map.of("A", "2"), Map.of("base", "sha256:1")))
        .isNotEqualTo(h);
    assertThat(ImageHash.of("abc", "Dockerfile", Map.of("A", "1"), Map.of("base", "sha256:2")))
        .isNotEqualTo(h);
  }
}
