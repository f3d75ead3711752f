package dev.berth.template;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.config.StrictObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Loads a templates directory: one folder per template with a {@code template.yaml} (and, for a
 * template whose image Berth builds, a {@code Dockerfile}). Unset fields are inherited from the
 * parent template. A folder named {@value #SHARED_SKELETON} without a {@code template.yaml} is the
 * project skeleton of every template that has none of its own. All problems across all templates
 * are reported together (unknown keys, bad values, missing parents, cycles).
 */
public final class TemplateLoader {
  private static final ObjectMapper YAML = YAMLMapper.builder().build();
  private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  /** The templates directory's shared default project skeleton. */
  public static final String SHARED_SKELETON = "skeleton";

  private TemplateLoader() {}

  /** Reads every template under {@code dir}; a missing directory gives just the built-ins. */
  public static TemplateCatalog load(Path dir) {
    Map<String, RawTemplate> raw = new TreeMap<>();
    List<String> errors = new ArrayList<>();
    if (dir != null && Files.isDirectory(dir)) {
      try (Stream<Path> folders = Files.list(dir)) {
        for (Path folder : folders.sorted().toList()) {
          Path yaml = folder.resolve("template.yaml");
          if (Files.isDirectory(folder) && Files.isRegularFile(yaml)) {
            readOne(folder, yaml, errors).ifPresent(t -> raw.put(t.name, t));
          }
        }
      } catch (IOException e) {
        throw BerthException.badRequest("cannot read templates directory " + dir + ": " + e);
      }
    }
    Template root = Template.builtinDefault().withSkeleton(sharedSkeleton(dir, raw));
    Map<String, Template> resolved = new LinkedHashMap<>();
    if (!raw.containsKey(Template.DEFAULT_NAME)) {
      resolved.put(Template.DEFAULT_NAME, root);
    }
    for (String name : raw.keySet()) {
      resolve(name, raw, resolved, root, new LinkedHashSet<>(), errors);
    }
    StrictObject.throwIfErrors("invalid templates in " + dir, errors);
    return new TemplateCatalog(resolved);
  }

  /** {@code dir/skeleton}, when it is a folder and not a template of that name. */
  private static Optional<Path> sharedSkeleton(Path dir, Map<String, RawTemplate> raw) {
    if (dir == null || raw.containsKey(SHARED_SKELETON)) {
      return Optional.empty();
    }
    Path shared = dir.resolve(SHARED_SKELETON);
    return Files.isDirectory(shared) ? Optional.of(shared) : Optional.empty();
  }

  private static Optional<RawTemplate> readOne(Path folder, Path yaml, List<String> errors) {
    String name = folder.getFileName().toString();
    String where = yaml.toString();
    try {
      SessionId.of(name); // the same DNS-label rule: template names appear in resource names
    } catch (BerthException e) {
      errors.add(where + ": template folder name '" + name + "' must be " + SessionId.RULE);
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = YAML.readTree(yaml.toFile());
    } catch (RuntimeException e) {
      errors.add(where + ": not valid YAML: " + e.getMessage());
      return Optional.empty();
    }
    var y = new StrictObject(where, root, errors);
    var t = new RawTemplate(name, folder);
    t.description = y.string("description");
    t.parent = y.string("parent");
    t.image = y.string("image");
    t.command = y.strings("command", false);
    Optional<String> shell = y.string("shell");
    if (shell.isPresent() && t.command.isPresent()) {
      errors.add(where + ": give either 'command' (a list) or 'shell' (one line), not both");
    }
    shell.ifPresent(line -> t.command = Optional.of(List.of("/bin/sh", "-c", line)));
    t.workspace = y.string("workspace");
    t.workspace
        .filter(p -> !p.startsWith("/"))
        .ifPresent(
            p -> errors.add(where + ": 'workspace' must be an absolute path (got " + p + ")"));
    t.user = y.string("user");
    t.env = y.stringMap("env");
    t.ports = y.strings("ports", true).map(list -> ports(where, list, errors));
    t.probe = y.object("probe").flatMap(p -> probe(where, p, errors, t));
    t.resources = y.object("resources").map(TemplateLoader::resources);
    t.idleTimeout = y.duration("idleTimeout");
    t.maxLifetime = y.duration("maxLifetime");
    t.capabilities = y.strings("capabilities", false);
    t.restart = y.object("restart").map(r -> restart(where, r, errors));
    t.cullAction = y.string("cullAction").flatMap(a -> cullAction(where, a, errors));
    t.backend = y.string("backend");
    t.allowedBackends = y.strings("allowedBackends", false);
    t.backend.ifPresent(
        b ->
            t.allowedBackends
                .filter(allowed -> !allowed.contains(b))
                .ifPresent(
                    allowed ->
                        errors.add(
                            where
                                + ": 'backend' "
                                + b
                                + " is not one of its 'allowedBackends' "
                                + allowed)));
    Optional<String> skeleton = y.string("skeleton");
    Path skeletonDir = folder.resolve(skeleton.orElse("skeleton")).normalize();
    if (!skeletonDir.startsWith(folder)) {
      errors.add(where + ": 'skeleton' must be a folder inside the template's folder");
    } else if (Files.isDirectory(skeletonDir)) {
      t.skeleton = Optional.of(skeletonDir);
    } else if (skeleton.isPresent()) {
      errors.add(where + ": skeleton folder " + skeletonDir + " does not exist");
    }
    t.build = build(name, folder, where, y.object("build"), errors);
    if (t.build.isPresent() && t.image.isPresent()) {
      errors.add(
          where
              + ": give either 'image' (run an existing image) or a Dockerfile (Berth builds the"
              + " image), not both");
    }
    t.proxy = y.object("proxy").map(p -> proxy(where, p, errors));
    t.volume = y.object("volume").map(v -> volume(where, v, errors));
    y.checkNoUnknownKeys();
    return Optional.of(t);
  }

  /**
   * The template's own image build: present when its folder holds the Dockerfile ({@code
   * build.dockerfile}, default {@code Dockerfile}).
   */
  private static Optional<ImageBuild> build(
      String name, Path folder, String where, Optional<StrictObject> yaml, List<String> errors) {
    String dockerfile =
        yaml.flatMap(b -> b.string("dockerfile")).orElse(ImageBuild.DEFAULT_DOCKERFILE);
    Map<String, String> args = yaml.flatMap(b -> b.stringMap("args")).orElse(Map.of());
    Map<String, String> components = yaml.flatMap(b -> b.stringMap("components")).orElse(Map.of());
    Optional<String> network = yaml.flatMap(b -> b.string("network"));
    yaml.ifPresent(StrictObject::checkNoUnknownKeys);
    Path file = folder.resolve(dockerfile).normalize();
    if (!file.startsWith(folder) || file.equals(folder)) {
      errors.add(where + ": 'build.dockerfile' must be a file inside the template's folder");
      return Optional.empty();
    }
    if (!Files.isRegularFile(file)) {
      if (yaml.isPresent()) {
        errors.add(where + ": 'build' is set but there is no Dockerfile at " + file);
      }
      return Optional.empty();
    }
    Map<String, Path> parts = new TreeMap<>();
    components.forEach(
        (to, from) -> {
          String target = to.replace('\\', '/');
          Path inside = folder.resolve(target).normalize();
          if (target.isBlank()
              || target.startsWith("/")
              || !inside.startsWith(folder)
              || inside.equals(folder)) {
            errors.add(
                where
                    + ": 'build.components' key '"
                    + to
                    + "' must be a relative path inside the build context");
          } else if (from.isBlank()) {
            errors.add(where + ": 'build.components." + to + "' needs a source path");
          } else {
            parts.put(
                folder.relativize(inside).toString().replace('\\', '/'),
                folder.resolve(from).normalize());
          }
        });
    return Optional.of(
        new ImageBuild(
            name,
            folder,
            folder.relativize(file).toString().replace('\\', '/'),
            args,
            parts,
            network));
  }

  private static List<Integer> ports(String where, List<String> raw, List<String> errors) {
    List<Integer> ports = new ArrayList<>();
    for (String p : raw) {
      try {
        int port = Integer.parseInt(p);
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
        ports.add(port);
      } catch (NumberFormatException e) {
        errors.add(where + ": 'ports' must be port numbers from 1 to 65535 (got " + p + ")");
      }
    }
    return ports;
  }

  private static Optional<HealthProbe> probe(
      String where, StrictObject p, List<String> errors, RawTemplate t) {
    Duration timeout = p.duration("startTimeout").orElse(DEFAULT_START_TIMEOUT);
    HealthCheck d = HealthCheck.DEFAULT;
    Duration interval = p.duration("interval").orElse(d.interval());
    Duration attempt = p.duration("timeout").orElse(d.timeout());
    int threshold = p.integer("failureThreshold", 1, 1000).orElse(d.failureThreshold());
    if (interval.isZero() || attempt.isZero()) {
      errors.add(where + ": the probe's 'interval' and 'timeout' must be more than 0");
    }
    t.health = Optional.of(new HealthCheck(interval, attempt, threshold));
    Optional<String> http = p.string("http");
    Optional<Integer> port = p.integer("port", 1, 65535);
    Optional<Integer> tcp = p.integer("tcp", 1, 65535);
    Optional<List<String>> exec = p.strings("exec", false);
    p.checkNoUnknownKeys();
    int kinds = (http.isPresent() ? 1 : 0) + (tcp.isPresent() ? 1 : 0) + (exec.isPresent() ? 1 : 0);
    if (kinds != 1) {
      errors.add(where + ": 'probe' needs exactly one of http (with port), tcp or exec");
      return Optional.empty();
    }
    if (http.isPresent()) {
      if (port.isEmpty()) {
        errors.add(where + ": an http probe needs 'port'");
        return Optional.empty();
      }
      String path = http.get().startsWith("/") ? http.get() : "/" + http.get();
      return Optional.of(new HealthProbe.Http(port.get(), path, timeout));
    }
    if (tcp.isPresent()) {
      return Optional.of(new HealthProbe.Tcp(tcp.get(), timeout));
    }
    return Optional.of(new HealthProbe.Exec(exec.get(), timeout));
  }

  private static final java.util.regex.Pattern ENV_NAME =
      java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  // An HTTP header name (RFC 9110 token characters).
  private static final java.util.regex.Pattern HEADER_NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

  private static final java.util.Set<String> RESERVED_HEADERS =
      java.util.Set.of(
          "host",
          "content-length",
          "transfer-encoding",
          "connection",
          "keep-alive",
          "upgrade",
          "te",
          "trailer",
          "expect",
          "cookie",
          "authorization",
          "origin");

  private static WorkspaceVolume volume(String where, StrictObject v, List<String> errors) {
    Optional<String> size = v.string("size");
    Optional<String> storageClass = v.string("storageClass");
    v.checkNoUnknownKeys();
    size.filter(q -> !WorkspaceVolume.QUANTITY.matcher(q).matches())
        .ifPresent(
            q ->
                errors.add(
                    where
                        + ": 'volume.size' must be a size such as 10Gi or 500Mi (got "
                        + q
                        + ")"));
    storageClass
        .filter(c -> !WorkspaceVolume.STORAGE_CLASS.matcher(c).matches())
        .ifPresent(
            c ->
                errors.add(
                    where
                        + ": 'volume.storageClass' must be a Kubernetes storage class name (got "
                        + c
                        + ")"));
    return new WorkspaceVolume(size, storageClass);
  }

  private static ProxySettings proxy(String where, StrictObject p, List<String> errors) {
    Optional<String> path = p.string("path");
    Optional<String> env = p.string("basePathEnv");
    Optional<String> header = p.string("basePathHeader");
    p.checkNoUnknownKeys();
    boolean keep = false;
    if (path.isPresent()) {
      switch (path.get()) {
        case "keep" -> keep = true;
        case "strip" -> keep = false;
        default ->
            errors.add(where + ": 'proxy.path' must be 'strip' or 'keep' (got " + path.get() + ")");
      }
    }
    env.filter(name -> !ENV_NAME.matcher(name).matches())
        .ifPresent(
            name ->
                errors.add(
                    where
                        + ": 'proxy.basePathEnv' must be an environment variable name (got "
                        + name
                        + ")"));
    header
        .filter(name -> !HEADER_NAME.matcher(name).matches())
        .ifPresent(
            name ->
                errors.add(
                    where
                        + ": 'proxy.basePathHeader' must be an HTTP header name (got "
                        + name
                        + ")"));
    header
        .filter(name -> HEADER_NAME.matcher(name).matches())
        .filter(name -> RESERVED_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT)))
        .ifPresent(
            name ->
                errors.add(
                    where
                        + ": 'proxy.basePathHeader' cannot be "
                        + name
                        + ", a header the proxy or HTTP itself controls"));
    return new ProxySettings(keep, env, header);
  }

  /** Unset fields are left null here and filled from the parent (or the defaults) at merge. */
  private static RawRestart restart(String where, StrictObject r, List<String> errors) {
    var raw = new RawRestart();
    raw.mode =
        r.string("policy")
            .flatMap(
                text ->
                    switch (text) {
                      case "on-failure" -> Optional.of(RestartPolicy.Mode.ON_FAILURE);
                      case "always" -> Optional.of(RestartPolicy.Mode.ALWAYS);
                      case "never" -> Optional.of(RestartPolicy.Mode.NEVER);
                      default -> {
                        errors.add(
                            where
                                + ": restart 'policy' must be on-failure, always or never (got '"
                                + text
                                + "')");
                        yield Optional.empty();
                      }
                    });
    raw.limit = r.integer("limit", 0, 10_000);
    raw.backoff = r.duration("backoff");
    raw.maxBackoff = r.duration("maxBackoff");
    r.checkNoUnknownKeys();
    if (raw.backoff.filter(Duration::isZero).isPresent()) {
      errors.add(where + ": restart 'backoff' must be more than 0");
    }
    return raw;
  }

  private static Optional<CullAction> cullAction(String where, String text, List<String> errors) {
    try {
      return Optional.of(CullAction.parse(text));
    } catch (IllegalArgumentException e) {
      errors.add(where + ": 'cullAction' " + e.getMessage());
      return Optional.empty();
    }
  }

  /** A template's {@code restart:} as written: empty fields come from the parent. */
  private static final class RawRestart {
    Optional<RestartPolicy.Mode> mode = Optional.empty();
    Optional<Integer> limit = Optional.empty();
    Optional<Duration> backoff = Optional.empty();
    Optional<Duration> maxBackoff = Optional.empty();

    RestartPolicy onto(RestartPolicy base) {
      Duration b = backoff.orElse(base.backoff());
      Duration max = maxBackoff.orElse(base.maxBackoff());
      return new RestartPolicy(
          mode.orElse(base.mode()), limit.orElse(base.limit()), b, max.compareTo(b) < 0 ? b : max);
    }
  }

  private static ResourceLimits resources(StrictObject r) {
    var limits =
        new ResourceLimits(
            r.number("cpus", 0.01, 1024).orElse(0.0),
            r.size("memory").orElse(0L),
            r.integer("pids", 1, 1_000_000).orElse(0));
    r.checkNoUnknownKeys();
    return limits;
  }

  private static Optional<Template> resolve(
      String name,
      Map<String, RawTemplate> raw,
      Map<String, Template> resolved,
      Template root,
      LinkedHashSet<String> visiting,
      List<String> errors) {
    if (resolved.containsKey(name)) {
      return Optional.of(resolved.get(name));
    }
    RawTemplate t = raw.get(name);
    if (!visiting.add(name)) {
      errors.add("template parent cycle: " + String.join(" -> ", visiting) + " -> " + name);
      return Optional.empty();
    }
    Optional<Template> parent = Optional.empty();
    if (t.parent.isPresent()) {
      String p = t.parent.get();
      if (raw.containsKey(p)) {
        parent = resolve(p, raw, resolved, root, visiting, errors);
        if (parent.isEmpty()) {
          visiting.remove(name);
          return Optional.empty();
        }
      } else if (p.equals(Template.DEFAULT_NAME)) {
        parent = Optional.of(root);
      } else {
        errors.add(
            "template '"
                + name
                + "' names parent '"
                + p
                + "', which is not a template in "
                + t.folder.getParent());
        visiting.remove(name);
        return Optional.empty();
      }
    }
    visiting.remove(name);
    Template merged = t.merge(parent.orElse(root), parent.isPresent());
    resolved.put(name, merged);
    return Optional.of(merged);
  }

  /** A template as written, before inheritance: empty means "not set here". */
  private static final class RawTemplate {
    final String name;
    final Path folder;
    Optional<String> description = Optional.empty();
    Optional<String> parent = Optional.empty();
    Optional<String> image = Optional.empty();
    Optional<List<String>> command = Optional.empty();
    Optional<String> workspace = Optional.empty();
    Optional<String> user = Optional.empty();
    Optional<Map<String, String>> env = Optional.empty();
    Optional<List<Integer>> ports = Optional.empty();
    Optional<HealthProbe> probe = Optional.empty();
    Optional<ResourceLimits> resources = Optional.empty();
    Optional<Duration> idleTimeout = Optional.empty();
    Optional<Duration> maxLifetime = Optional.empty();
    Optional<List<String>> capabilities = Optional.empty();
    Optional<String> backend = Optional.empty();
    Optional<Path> skeleton = Optional.empty();
    Optional<ImageBuild> build = Optional.empty();
    Optional<ProxySettings> proxy = Optional.empty();
    Optional<RawRestart> restart = Optional.empty();
    Optional<HealthCheck> health = Optional.empty();
    Optional<CullAction> cullAction = Optional.empty();
    Optional<List<String>> allowedBackends = Optional.empty();
    Optional<WorkspaceVolume> volume = Optional.empty();

    RawTemplate(String name, Path folder) {
      this.name = name;
      this.folder = folder;
    }

    Template merge(Template base, boolean hasParent) {
      Map<String, String> mergedEnv = new HashMap<>(base.env());
      env.ifPresent(mergedEnv::putAll);
      // An image of its own (named or built here) replaces the parent's; else the parent's holds.
      boolean ownImage = image.isPresent() || build.isPresent();
      return new Template(
          name,
          description.orElse(hasParent ? base.description() : ""),
          parent,
          ownImage ? image : base.image(),
          command.orElse(base.command()),
          workspace.orElse(base.workspacePath()),
          user.isPresent() ? user : base.user(),
          mergedEnv,
          ports.orElse(base.ports()),
          probe.isPresent() ? probe : base.probe(),
          resources.map(r -> r.orElse(base.resources())).orElse(base.resources()),
          idleTimeout.orElse(base.idleTimeout()),
          maxLifetime.orElse(base.maxLifetime()),
          capabilities.orElse(base.capabilities()),
          backend.isPresent() ? backend : base.backend(),
          skeleton.isPresent() ? skeleton : base.skeleton(),
          Optional.of(folder),
          ownImage ? build : base.build(),
          proxy.orElse(base.proxy()),
          restart.map(r -> r.onto(base.restart())).orElse(base.restart()),
          probe.isPresent() ? health.orElse(HealthCheck.DEFAULT) : base.health(),
          cullAction.orElse(base.cullAction()),
          allowedBackends.orElse(base.allowedBackends()),
          volume.map(v -> v.orElse(base.volume())).orElse(base.volume()));
    }
  }
}
