package dev.berth.runtime.docker;

import dev.berth.template.ResourceLimits;
import dev.berth.template.Template;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Templates for the Docker tests, with the fields the shared TestTemplates does not set. */
final class Templates {
  private Templates() {}

  static Template of(
      String name,
      Optional<String> image,
      List<String> command,
      List<Integer> ports,
      ResourceLimits limits,
      List<String> capabilities) {
    return new Template(
        name,
        "docker test template " + name,
        Optional.empty(),
        image,
        command,
        Template.DEFAULT_WORKSPACE_PATH,
        Optional.empty(),
        Map.of("BERTH_TEST", "yes"),
        ports,
        Optional.empty(),
        limits,
        Duration.ZERO,
        Duration.ZERO,
        capabilities,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        dev.berth.template.ProxySettings.DEFAULT,
        dev.berth.template.RestartPolicy.DEFAULT,
        dev.berth.template.HealthCheck.DEFAULT,
        dev.berth.template.CullAction.STOP,
        java.util.List.of(),
        dev.berth.template.WorkspaceVolume.DEFAULT);
  }

  /** A session whose app and execs run as {@code user} (e.g. {@code 1000:1000}). */
  static Template asUser(String name, String user) {
    Template t = plain(name);
    return new Template(
        t.name(),
        t.description(),
        t.parent(),
        t.image(),
        t.command(),
        t.workspacePath(),
        Optional.of(user),
        t.env(),
        t.ports(),
        t.probe(),
        t.resources(),
        t.idleTimeout(),
        t.maxLifetime(),
        t.capabilities(),
        t.backend(),
        t.skeleton(),
        t.directory(),
        t.build(),
        t.proxy(),
        dev.berth.template.RestartPolicy.DEFAULT,
        dev.berth.template.HealthCheck.DEFAULT,
        dev.berth.template.CullAction.STOP,
        java.util.List.of(),
        dev.berth.template.WorkspaceVolume.DEFAULT);
  }

  static Template plain(String name) {
    return of(name, Optional.empty(), List.of(), List.of(), ResourceLimits.NONE, List.of());
  }

  /** busybox httpd serving the workspace on {@code port}. */
  static Template web(String name, int port) {
    return of(
        name,
        Optional.empty(),
        List.of("httpd", "-f", "-p", Integer.toString(port), "-h", "/workspace"),
        List.of(port),
        ResourceLimits.NONE,
        List.of());
  }
}
