package dev.berth.runtime.docker;

import dev.berth.template.ResourceLimits;
import dev.berth.template.Template;
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
    var b =
        Template.builder(name)
            .description("docker test template " + name)
            .command(command)
            .env(Map.of("BERTH_TEST", "yes"))
            .ports(ports)
            .resources(limits)
            .capabilities(capabilities);
    image.ifPresent(b::image);
    return b.build();
  }

  /** A session whose app and execs run as {@code user} (e.g. {@code 1000:1000}). */
  static Template asUser(String name, String user) {
    return plain(name).toBuilder().user(user).build();
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
