package dev.berth.template;

import dev.berth.config.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code containers:} key, a mapping of container types to what each runs: {@code image}
 * or {@code template} (the image Berth builds from that template of the family, resolved by {@link
 * ContainerTemplates} once every template is read), {@code command} or {@code shell}, {@code env},
 * {@code ports}, {@code probe}, {@code resources}, {@code user}, {@code start} ({@code auto} or
 * {@code manual}), {@code after} (types started first: a list, order only, or a mapping of types to
 * {@link AfterCondition}s) and {@code workspace: {subPath, readOnly}}. A template that gives the
 * key replaces its parent's containers as a whole (merging two pipelines' containers by name would
 * be a guess); one that does not inherits them. Types, {@code after} references and cycles are
 * checked here, so a mistake is a template problem at load, never a failed start.
 */
final class ContainersParser {
  private ContainersParser() {}

  static Overlay<SessionContainers> read(TemplateYaml t) {
    Optional<Map<String, StrictObject>> written = t.keys().objects("containers");
    if (written.isEmpty()) {
      return base -> base;
    }
    List<SessionContainer> containers = new ArrayList<>();
    for (var entry : written.get().entrySet()) {
      one(t, entry.getKey(), entry.getValue()).ifPresent(containers::add);
    }
    SessionContainers.problems(containers).forEach(p -> t.error("containers: " + p));
    SessionContainers ordered = SessionContainers.ordered(containers);
    return base -> ordered;
  }

  private static Optional<SessionContainer> one(TemplateYaml t, String type, StrictObject c) {
    String what = "containers." + type;
    Optional<String> image = c.string("image").filter(i -> !i.isBlank());
    Optional<String> template = c.string("template").filter(n -> !n.isBlank());
    if (image.isPresent() && template.isPresent()) {
      t.error(
          what
              + ": give either 'image' (an image on the engine) or 'template' (the image Berth"
              + " builds from that template's Dockerfile), not both");
    }
    Optional<List<String>> command = c.strings("command", false);
    Optional<String> shell = c.string("shell");
    if (shell.isPresent() && command.isPresent()) {
      t.error(what + ": give either 'command' (a list) or 'shell' (one line), not both");
    }
    List<String> argv =
        shell.map(line -> List.of("/bin/sh", "-c", line)).or(() -> command).orElse(List.of());
    Map<String, String> env = c.stringMap("env").orElse(Map.of());
    List<Integer> ports =
        c.strings("ports", true).map(list -> ports(t, what, list)).orElse(List.of());
    Optional<HealthProbe> probe =
        c.object("probe").flatMap(p -> ProbeParser.read(t, p)).map(ProbeParser.Probe::probe);
    ResourceLimits resources =
        c.object("resources").map(ContainerParser::resources).orElse(ResourceLimits.NONE);
    Optional<String> user = c.string("user").filter(u -> !u.isBlank());
    ContainerStart start =
        c.string("start").map(s -> start(t, what, s)).orElse(ContainerStart.AUTO);
    List<ContainerDependency> after = after(t, what, c);
    String subPath = "";
    boolean readOnly = false;
    Optional<StrictObject> workspace = c.object("workspace");
    if (workspace.isPresent()) {
      subPath = workspace.get().string("subPath").map(p -> subPath(t, what, p)).orElse("");
      readOnly = workspace.get().bool("readOnly").orElse(false);
      workspace.get().checkNoUnknownKeys();
    }
    c.checkNoUnknownKeys();
    probePort(probe)
        .filter(p -> !ports.contains(p))
        .ifPresent(
            p -> t.error(what + ": its probe's port " + p + " is not in its 'ports' " + ports));
    return Optional.of(
        new SessionContainer(
            type,
            image,
            template.map(name -> new ContainerTemplateImage(name, Optional.empty())),
            argv,
            env,
            ports,
            probe,
            resources,
            user,
            start,
            after,
            subPath,
            readOnly));
  }

  /**
   * {@code after}: a list (or one name) of types started first, order only; or a mapping of types
   * to what is waited for of each ({@code started}, {@code ready}, {@code done}).
   */
  private static List<ContainerDependency> after(TemplateYaml t, String what, StrictObject c) {
    if (!c.isMapping("after")) {
      return c.strings("after", true).orElse(List.of()).stream()
          .map(ContainerDependency::started)
          .toList();
    }
    List<ContainerDependency> out = new ArrayList<>();
    for (var e : c.stringMap("after").orElse(Map.of()).entrySet()) {
      Optional<AfterCondition> condition = AfterCondition.of(e.getValue());
      if (condition.isEmpty()) {
        t.error(
            what
                + ": 'after."
                + e.getKey()
                + "' must be started (only the order), ready (its probe passes) or done (it"
                + " ended with code 0) (got '"
                + e.getValue()
                + "')");
        continue;
      }
      out.add(new ContainerDependency(e.getKey(), condition.get()));
    }
    return out;
  }

  private static Optional<Integer> probePort(Optional<HealthProbe> probe) {
    return probe.flatMap(
        p ->
            switch (p) {
              case HealthProbe.Http h -> Optional.of(h.port());
              case HealthProbe.Tcp tcp -> Optional.of(tcp.port());
              case HealthProbe.Exec e -> Optional.empty();
            });
  }

  private static ContainerStart start(TemplateYaml t, String what, String word) {
    try {
      return ContainerStart.valueOf(word.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      t.error(what + ": 'start' must be auto or manual (got '" + word + "')");
      return ContainerStart.AUTO;
    }
  }

  /** A relative path inside the volume, without {@code ..}: a sub-path must not leave it. */
  private static String subPath(TemplateYaml t, String what, String raw) {
    String p = raw.strip();
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    boolean bad = p.startsWith("/") || p.isEmpty();
    for (String part : p.split("/")) {
      bad |= part.isEmpty() || part.equals("..") || part.equals(".");
    }
    if (bad) {
      t.error(
          what
              + ": 'workspace.subPath' must be a relative path inside the workspace, without '.'"
              + " or '..' (got '"
              + raw
              + "')");
      return "";
    }
    return p;
  }

  private static List<Integer> ports(TemplateYaml t, String what, List<String> raw) {
    List<Integer> ports = new ArrayList<>();
    for (String p : raw) {
      try {
        int port = Integer.parseInt(p);
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
        ports.add(port);
      } catch (NumberFormatException e) {
        t.error(what + ": 'ports' must be port numbers from 1 to 65535 (got " + p + ")");
      }
    }
    return ports;
  }
}
