package dev.berth.runtime;

import dev.berth.template.HealthProbe;
import dev.berth.template.Template;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds templates for tests without a templates directory. */
public final class TestTemplates {
  private TestTemplates() {}

  public static Template plain(String name) {
    return with(name, Optional.empty(), List.of(), List.of(), Optional.empty(), Optional.empty());
  }

  public static Template with(
      String name,
      Optional<String> image,
      List<String> command,
      List<Integer> ports,
      Optional<HealthProbe> probe,
      Optional<Path> skeleton) {
    var b =
        Template.builder(name)
            .description("test template " + name)
            .command(command)
            .env(Map.of("BERTH_TEST", "yes"))
            .ports(ports);
    image.ifPresent(b::image);
    probe.ifPresent(b::probe);
    skeleton.ifPresent(b::skeleton);
    return b.build();
  }
}
