package dev.berth.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resolves {@code containers.<type>.template: <name>} once every template of the directory is read:
 * the container runs the image {@code <name>}'s own sessions run when Berth builds it, so {@code
 * <name>} must be a template that loads and has a Dockerfile (its own or an ancestor's). This needs
 * the whole family, which a template's own parser does not see, hence a pass of its own after
 * inheritance. Pure.
 */
final class ContainerTemplates {
  private ContainerTemplates() {}

  /** The templates after the pass, and the problems of those it took out (by template name). */
  record Resolved(Map<String, Template> templates, Map<String, List<String>> problems) {}

  /**
   * Fills in the build of every container's {@code template}; a template with a container whose
   * named template is unknown, does not load or has no Dockerfile is taken out with a problem that
   * says so, and so is every template built on one taken out (a template whose parent does not load
   * does not load either).
   *
   * @param notLoading names of templates that exist but did not load
   */
  static Resolved resolve(Map<String, Template> loaded, Set<String> notLoading) {
    Map<String, Template> out = new LinkedHashMap<>();
    Map<String, List<String>> problems = new LinkedHashMap<>();
    Set<String> withDockerfile = new TreeSet<>();
    loaded.forEach(
        (name, t) -> {
          if (t.image().build().isPresent() && t.image().reference().isEmpty()) {
            withDockerfile.add(name);
          }
        });
    for (var entry : loaded.entrySet()) {
      Template t = entry.getValue();
      List<String> errors = new ArrayList<>();
      List<SessionContainer> containers = new ArrayList<>();
      for (SessionContainer c : t.containers().inStartOrder()) {
        containers.add(resolveOne(t, c, loaded, notLoading, withDockerfile, errors));
      }
      if (errors.isEmpty()) {
        out.put(
            entry.getKey(),
            t.containers().isEmpty()
                ? t
                : t.toBuilder().containers(new SessionContainers(containers)).build());
      } else {
        problems.put(entry.getKey(), errors);
      }
    }
    boolean changed = !problems.isEmpty();
    while (changed) {
      changed = false;
      for (var it = out.entrySet().iterator(); it.hasNext(); ) {
        var entry = it.next();
        Optional<String> parent = entry.getValue().parent();
        if (parent.isPresent() && problems.containsKey(parent.get())) {
          problems.put(
              entry.getKey(),
              List.of(
                  "template '"
                      + entry.getKey()
                      + "' builds on parent '"
                      + parent.get()
                      + "', which does not load (fix '"
                      + parent.get()
                      + "' first)"));
          it.remove();
          changed = true;
        }
      }
    }
    return new Resolved(out, problems);
  }

  private static SessionContainer resolveOne(
      Template t,
      SessionContainer c,
      Map<String, Template> loaded,
      Set<String> notLoading,
      Set<String> withDockerfile,
      List<String> errors) {
    if (c.templateImage().isEmpty()) {
      return c;
    }
    String name = c.templateImage().get().template();
    String what =
        "template '"
            + t.name()
            + "': container '"
            + c.type()
            + "' runs the image Berth builds from template '"
            + name
            + "'";
    Template named = loaded.get(name);
    if (named == null) {
      errors.add(
          notLoading.contains(name)
              ? what + ", which does not load (fix '" + name + "' first)"
              : what + ", which is not a template; templates with a Dockerfile: " + withDockerfile);
      return c;
    }
    if (!withDockerfile.contains(name)) {
      errors.add(
          what
              + ", which has no Dockerfile (nor has any template it builds on), so Berth builds no"
              + " image for it; name a template with one "
              + withDockerfile
              + ", or an image on the engine with 'image'");
      return c;
    }
    return c.withTemplateImage(
        Optional.of(new ContainerTemplateImage(name, named.image().build())));
  }
}
