package dev.berth.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.OwnerOnly;
import dev.berth.template.TemplateLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image's build context (a tar of the template's folder: its sources) is written in the
 * directory the builder is given, the data directory's {@code tmp} in a server, readable by Berth's
 * user only, and removed after the build, failed or not: never in the host's shared {@code /tmp}.
 */
class ImageBuildContextTmpTest {
  @TempDir Path home;

  /** An engine that builds nothing: it notes where each context is and what mode it has. */
  private static final class LookingEngine implements ImageEngine {
    final List<Path> contexts = new ArrayList<>();
    final List<String> modes = new ArrayList<>();
    final Map<String, ImageInfo> images = new HashMap<>();
    boolean fail;

    @Override
    public String backend() {
      return "looking";
    }

    @Override
    public String prefix() {
      return "t";
    }

    @Override
    public Optional<ImageInfo> inspect(String reference) {
      return Optional.ofNullable(images.get(reference));
    }

    @Override
    public String build(BuildSpec spec, Consumer<String> output) {
      contexts.add(spec.contextTar());
      try {
        modes.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(spec.contextTar())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (fail) {
        throw new ImageBuildException("step 1 failed", null);
      }
      var info =
          new ImageInfo("sha256:built", 1, Instant.now(), List.copyOf(spec.tags()), Map.of());
      images.put("sha256:built", info);
      return info.id();
    }

    @Override
    public void tag(String imageId, String reference) {}
  }

  @Test
  void theContextIsAnOwnerOnlyFileInTheGivenTmpAndGoneAfterTheBuildFailedOrNot()
      throws IOException {
    Path app = Files.createDirectories(home.resolve("templates/app"));
    Files.writeString(app.resolve("template.yaml"), "build: {network: none}\n");
    Files.writeString(app.resolve("Dockerfile"), "FROM scratch\nCOPY secret.txt /\n");
    Files.writeString(app.resolve("secret.txt"), "the template's sources\n");
    Path tmp = OwnerOnly.directory(home.resolve("tmp"));
    var engine = new LookingEngine();
    var builder =
        new ImageBuilder(() -> TemplateLoader.load(home.resolve("templates")), engine, tmp);

    assertThat(
            builder.build(new BuildOptions(List.of("app"), false, false), BuildListener.NONE).ok())
        .isTrue();
    engine.fail = true;
    assertThat(
            builder.build(new BuildOptions(List.of("app"), false, false), BuildListener.NONE).ok())
        .isFalse();

    assertThat(engine.contexts)
        .hasSize(2)
        .allSatisfy(c -> assertThat(c.getParent()).isEqualTo(tmp));
    assertThat(engine.modes).containsOnly("rw-------");
    try (var left = Files.list(tmp)) {
      assertThat(left).as("no context is left after a build").isEmpty();
    }
  }
}
