package dev.berth.runtime;

import dev.berth.template.HealthProbe;
import dev.berth.template.ResourceLimits;
import dev.berth.template.Template;
import java.nio.file.Path;
import java.time.Duration;
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
    return new Template(
        name,
        "test template " + name,
        Optional.empty(),
        image,
        command,
        Template.DEFAULT_WORKSPACE_PATH,
        Optional.empty(),
        Map.of("BERTH_TEST", "yes"),
        ports,
        probe,
        ResourceLimits.NONE,
        Duration.ZERO,
        Duration.ZERO,
        List.of(),
        Optional.empty(),
        skeleton,
        Optional.empty(),
        Optional.empty(),
        dev.berth.template.ProxySettings.DEFAULT,
        dev.berth.template.RestartPolicy.DEFAULT,
        dev.berth.template.HealthCheck.DEFAULT,
        dev.berth.template.CullAction.STOP,
        java.util.List.of(),
        dev.berth.template.WorkspaceVolume.DEFAULT);
  }
}
