package dev.berth.template;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.config.StrictObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * are reported together (unknown keys, bad values, missing parents, cycles), each with the template
 * it belongs to.
 */
public final class TemplateLoader {
  private static final ObjectMapper YAML = YAMLMapper.builder().build();

  /** The templates directory's shared default project skeleton. */
  public static final String SHARED_SKELETON = "skeleton";

  private TemplateLoader() {}

  /**
   * Reads every template under {@code dir}; a missing directory gives just the built-ins. Any
   * problem in any template fails the whole load, with every problem listed (for callers that must
   * not run on a partial catalog; a server uses {@link #loadReporting}).
   */
  public static TemplateCatalog load(Path dir) {
    TemplateLoad loaded = loadReporting(dir);
    StrictObject.throwIfErrors(
        "invalid templates in " + dir,
        loaded.problems().stream().flatMap(p -> p.errors().stream()).toList());
    return loaded.catalog();
  }

  /**
   * Reads every template under {@code dir} that loads, and reports each one that does not (its file
   * and what is wrong) instead of failing: a typo in one template never stops the others. A
   * template whose parent does not load does not load either.
   */
  public static TemplateLoad loadReporting(Path dir) {
    Map<String, RawTemplate> raw = new TreeMap<>();
    Set<String> folders = new HashSet<>();
    Map<String, TemplateProblem> problems = new TreeMap<>();
    if (dir != null && Files.isDirectory(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        for (Path folder : entries.sorted().toList()) {
          Path yaml = folder.resolve("template.yaml");
          if (Files.isDirectory(folder) && Files.isRegularFile(yaml)) {
            String name = folder.getFileName().toString();
            folders.add(name);
            List<String> errors = new ArrayList<>();
            Optional<RawTemplate> read = readOne(folder, yaml, errors);
            if (errors.isEmpty() && read.isPresent()) {
              raw.put(name, read.get());
            } else {
              problems.put(name, new TemplateProblem(name, yaml, errors));
            }
          }
        }
      } catch (IOException e) {
        // The directory itself is unreadable: nothing in it can be trusted to load.
        problems.put(
            "",
            new TemplateProblem(
                "", dir, List.of("cannot read templates directory " + dir + ": " + e)));
      }
    }
    Template root = Template.builtinDefault().withSkeleton(sharedSkeleton(dir, folders));
    Map<String, Template> resolved = new LinkedHashMap<>();
    if (!raw.containsKey(Template.DEFAULT_NAME)) {
      resolved.put(Template.DEFAULT_NAME, root);
    }
    for (String name : raw.keySet()) {
      resolve(name, raw, resolved, root, new LinkedHashSet<>(), problems);
    }
    // Containers' 'template:' name other templates of the family: resolved once all are read.
    var withImages = ContainerTemplates.resolve(resolved, problems.keySet());
    withImages
        .problems()
        .forEach(
            (name, errors) -> errors.forEach(error -> problem(problems, raw.get(name), error)));
    return new TemplateLoad(
        new TemplateCatalog(withImages.templates()), List.copyOf(problems.values()));
  }

  /** {@code dir/skeleton}, when it is a folder and not a template of that name. */
  private static Optional<Path> sharedSkeleton(Path dir, Set<String> templateFolders) {
    if (dir == null || templateFolders.contains(SHARED_SKELETON)) {
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
    var keys = new StrictObject(where, root, errors);
    var file = new TemplateYaml(name, folder, where, keys, errors);
    // Each group's parser asks for its own keys; whatever none asked for is unknown.
    var t =
        new RawTemplate(
            name,
            folder,
            keys.string("description"),
            keys.string("parent"),
            ImageParser.read(file),
            AppParser.read(file),
            ContainerParser.read(file),
            WorkspaceParser.read(file),
            LifetimeParser.read(file),
            PlacementParser.read(file),
            NetworkParser.read(file),
            IsolationParser.read(file),
            ContainersParser.read(file),
            PoolParser.read(file));
    keys.checkNoUnknownKeys();
    return Optional.of(t);
  }

  private static Optional<Template> resolve(
      String name,
      Map<String, RawTemplate> raw,
      Map<String, Template> resolved,
      Template root,
      LinkedHashSet<String> visiting,
      Map<String, TemplateProblem> problems) {
    if (resolved.containsKey(name)) {
      return Optional.of(resolved.get(name));
    }
    RawTemplate t = raw.get(name);
    if (t == null || problems.containsKey(name)) {
      return Optional.empty(); // it does not load: its own problem says why
    }
    if (!visiting.add(name)) {
      problem(
          problems, t, "template parent cycle: " + String.join(" -> ", visiting) + " -> " + name);
      return Optional.empty();
    }
    Optional<Template> parent = Optional.empty();
    if (t.parent().isPresent()) {
      String p = t.parent().get();
      if (raw.containsKey(p) || problems.containsKey(p)) {
        parent = resolve(p, raw, resolved, root, visiting, problems);
        if (parent.isEmpty()) {
          visiting.remove(name);
          problem(
              problems,
              t,
              "template '"
                  + name
                  + "' builds on parent '"
                  + p
                  + "', which does not load (fix '"
                  + p
                  + "' first)");
          return Optional.empty();
        }
      } else if (p.equals(Template.DEFAULT_NAME)) {
        parent = Optional.of(root);
      } else {
        problem(
            problems,
            t,
            "template '"
                + name
                + "' names parent '"
                + p
                + "', which is not a template in "
                + t.folder().getParent());
        visiting.remove(name);
        return Optional.empty();
      }
    }
    visiting.remove(name);
    Template merged;
    try {
      merged = t.merge(parent.orElse(root), parent.isPresent());
    } catch (BerthException e) {
      problem(problems, t, t.folder().resolve("template.yaml") + ": " + e.getMessage());
      return Optional.empty();
    }
    List<String> broken = TemplateChecks.problems(merged);
    if (!broken.isEmpty()) {
      broken.forEach(error -> problem(problems, t, error));
      return Optional.empty();
    }
    resolved.put(name, merged);
    return Optional.of(merged);
  }

  /** Adds {@code error} to the template's problem (a template may have several). */
  private static void problem(Map<String, TemplateProblem> problems, RawTemplate t, String error) {
    problems.merge(
        t.name(),
        new TemplateProblem(t.name(), t.folder().resolve("template.yaml"), List.of(error)),
        TemplateProblem::and);
  }

  /** A template as written, before inheritance: each group an overlay on the parent's. */
  private record RawTemplate(
      String name,
      Path folder,
      Optional<String> description,
      Optional<String> parent,
      Overlay<ImageSettings> image,
      Overlay<AppSettings> app,
      Overlay<ContainerSettings> container,
      Overlay<WorkspaceSettings> workspace,
      Overlay<LifetimeSettings> lifetime,
      Overlay<PlacementSettings> placement,
      Overlay<NetworkSettings> network,
      Overlay<IsolationSettings> isolation,
      Overlay<SessionContainers> containers,
      Overlay<PoolSettings> pool) {

    Template merge(Template base, boolean hasParent) {
      return new Template(
          name,
          description.orElse(hasParent ? base.description() : ""),
          parent,
          Optional.of(folder),
          image.onto(base.image()),
          app.onto(base.app()),
          container.onto(base.container()),
          workspace.onto(base.workspace()),
          lifetime.onto(base.lifetime()),
          placement.onto(base.placement()),
          network.onto(base.network()),
          isolation.onto(base.isolation()),
          containers.onto(base.containers()),
          pool.onto(base.pool()));
    }
  }
}
