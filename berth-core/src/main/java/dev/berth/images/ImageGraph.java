package dev.berth.images;

import dev.berth.base.BerthException;
import dev.berth.config.StrictObject;
import dev.berth.template.Template;
import dev.berth.template.TemplateCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which template images are built on which: the image families. A template with a Dockerfile of its
 * own depends on the image of its {@code parent} (when the parent, or its ancestor, builds one) and
 * on every template image its Dockerfile names in {@code FROM} or {@code COPY --from} (see {@link
 * DockerfileRefs}). The graph is checked when it is made: a dependency that is not a template with
 * a Dockerfile, and a cycle, are errors that name the templates involved.
 *
 * <p>Pure apart from {@link #of(TemplateCatalog, String)} reading the Dockerfiles.
 */
public final class ImageGraph {
  private final Map<String, SortedSet<String>> dependencies;

  private ImageGraph(Map<String, SortedSet<String>> dependencies) {
    this.dependencies = dependencies;
  }

  /** Reads every buildable template's Dockerfile; throws a 400 listing every problem found. */
  public static ImageGraph of(TemplateCatalog catalog, String prefix) {
    Map<String, String> dockerfiles = new TreeMap<>();
    Map<String, String> parents = new TreeMap<>();
    List<String> errors = new ArrayList<>();
    for (Template t : catalog.all()) {
      if (!t.buildsOwnImage()) {
        continue;
      }
      try {
        dockerfiles.put(
            t.name(), Files.readString(t.image().build().orElseThrow().dockerfilePath()));
      } catch (IOException e) {
        errors.add("template '" + t.name() + "': cannot read its Dockerfile: " + e.getMessage());
        continue;
      }
      t.parent()
          .filter(p -> catalog.names().contains(p))
          .flatMap(p -> catalog.get(p).image().build())
          .ifPresent(b -> parents.put(t.name(), b.owner()));
    }
    StrictObject.throwIfErrors("cannot read the image families", errors);
    return of(dockerfiles, parents, prefix);
  }

  /**
   * The graph from Dockerfile texts and build parents.
   *
   * @param dockerfiles buildable template name to its Dockerfile's text
   * @param parents template name to the template whose image its {@code parent} runs
   */
  static ImageGraph of(
      Map<String, String> dockerfiles, Map<String, String> parents, String prefix) {
    List<String> errors = new ArrayList<>();
    Map<String, SortedSet<String>> deps = new TreeMap<>();
    for (var e : new TreeMap<>(dockerfiles).entrySet()) {
      String name = e.getKey();
      SortedSet<String> mine = new TreeSet<>();
      String parent = parents.get(name);
      if (parent != null) {
        mine.add(parent);
      }
      DockerfileRefs.Scan scan = DockerfileRefs.scan(e.getValue(), prefix);
      scan.problems().forEach(p -> errors.add("template '" + name + "' Dockerfile " + p));
      for (DockerfileRefs.Ref ref : scan.refs()) {
        if (!dockerfiles.containsKey(ref.template())) {
          errors.add(
              "template '"
                  + name
                  + "' Dockerfile line "
                  + ref.line()
                  + " ("
                  + ref.text()
                  + ") uses the image of '"
                  + ref.template()
                  + "', which is not a template with a Dockerfile; templates with one: "
                  + dockerfiles.keySet());
        } else {
          mine.add(ref.template());
        }
      }
      deps.put(name, mine);
    }
    findCycle(deps).ifPresent(cycle -> errors.add("image dependency cycle: " + cycle));
    StrictObject.throwIfErrors("invalid image families", errors);
    return new ImageGraph(deps);
  }

  private static java.util.Optional<String> findCycle(Map<String, SortedSet<String>> deps) {
    Set<String> done = new TreeSet<>();
    for (String start : deps.keySet()) {
      LinkedHashSet<String> path = new LinkedHashSet<>();
      String cycle = visit(start, deps, path, done);
      if (cycle != null) {
        return java.util.Optional.of(cycle);
      }
    }
    return java.util.Optional.empty();
  }

  private static String visit(
      String name,
      Map<String, SortedSet<String>> deps,
      LinkedHashSet<String> path,
      Set<String> done) {
    if (done.contains(name)) {
      return null;
    }
    if (!path.add(name)) {
      List<String> loop = new ArrayList<>();
      boolean in = false;
      for (String p : path) {
        in |= p.equals(name);
        if (in) {
          loop.add(p);
        }
      }
      loop.add(name);
      return String.join(" -> ", loop);
    }
    for (String d : deps.getOrDefault(name, new TreeSet<>())) {
      String cycle = visit(d, deps, path, done);
      if (cycle != null) {
        return cycle;
      }
    }
    path.remove(name);
    done.add(name);
    return null;
  }

  /** Every template whose image Berth builds, sorted by name. */
  public SortedSet<String> buildable() {
    return new TreeSet<>(dependencies.keySet());
  }

  /** The templates whose images {@code name}'s build uses directly. */
  public SortedSet<String> dependenciesOf(String name) {
    return new TreeSet<>(require(name));
  }

  /** Every image {@code name} is built on, directly or not. */
  public SortedSet<String> ancestors(String name) {
    SortedSet<String> out = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>(require(name));
    while (!todo.isEmpty()) {
      String next = todo.pop();
      if (out.add(next)) {
        todo.addAll(dependencies.get(next));
      }
    }
    return out;
  }

  /** Every image built on {@code name}, directly or not: they are out of date when it changes. */
  public SortedSet<String> descendants(String name) {
    require(name);
    SortedSet<String> out = new TreeSet<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (var e : dependencies.entrySet()) {
        if (!out.contains(e.getKey())
            && (e.getValue().contains(name) || e.getValue().stream().anyMatch(out::contains))) {
          grew |= out.add(e.getKey());
        }
      }
    }
    return out;
  }

  /**
   * What a build of {@code names} builds, in order: the named images, their ancestors (first) and
   * their descendants (after, since they are out of date once a parent changes). Empty names: every
   * buildable image. Dependencies always come before the images built on them; otherwise the order
   * is by name, so it is the same on every run.
   */
  public List<String> buildOrder(Collection<String> names) {
    Set<String> wanted = new TreeSet<>();
    if (names.isEmpty()) {
      wanted.addAll(dependencies.keySet());
    }
    for (String n : names) {
      wanted.add(n);
      wanted.addAll(ancestors(n));
      wanted.addAll(descendants(n));
    }
    // Kahn's algorithm over the wanted images, taking the smallest name among the ready ones.
    List<String> order = new ArrayList<>();
    SortedSet<String> left = new TreeSet<>(wanted);
    while (!left.isEmpty()) {
      String ready =
          left.stream()
              .filter(n -> dependencies.get(n).stream().noneMatch(left::contains))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("cycle left in " + left));
      order.add(ready);
      left.remove(ready);
    }
    return order;
  }

  private SortedSet<String> require(String name) {
    SortedSet<String> d = dependencies.get(name);
    if (d == null) {
      throw BerthException.notFound(
          "template '"
              + name
              + "' has no image Berth builds (no Dockerfile in its folder); templates with one: "
              + dependencies.keySet());
    }
    return d;
  }
}
