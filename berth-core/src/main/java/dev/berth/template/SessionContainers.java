package dev.berth.template;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The containers a session runs beside its main one (the template's {@code containers:}), in the
 * order they start: each after the ones it names in {@code after}, otherwise in the order written.
 * Empty for every template without the key, which runs exactly one container as before.
 */
public record SessionContainers(List<SessionContainer> inStartOrder) {
  public static final SessionContainers NONE = new SessionContainers(List.of());

  public SessionContainers {
    inStartOrder = List.copyOf(inStartOrder);
  }

  /**
   * The containers in an order that honours every {@code after}; {@link #problems} must be empty.
   */
  public static SessionContainers ordered(List<SessionContainer> written) {
    Map<String, SessionContainer> byType = new LinkedHashMap<>();
    written.forEach(c -> byType.put(c.type(), c));
    Set<String> done = new LinkedHashSet<>();
    List<SessionContainer> out = new ArrayList<>();
    for (SessionContainer c : written) {
      visit(c, byType, done, new LinkedHashSet<>(), out);
    }
    return new SessionContainers(out);
  }

  private static void visit(
      SessionContainer c,
      Map<String, SessionContainer> byType,
      Set<String> done,
      Set<String> visiting,
      List<SessionContainer> out) {
    if (done.contains(c.type()) || !visiting.add(c.type())) {
      return;
    }
    for (String before : c.afterTypes()) {
      SessionContainer first = byType.get(before);
      if (first != null) {
        visit(first, byType, done, visiting, out);
      }
    }
    done.add(c.type());
    out.add(c);
  }

  /**
   * What is wrong with these containers as written: a type that is no DNS label or is {@value
   * SessionContainer#MAIN}, an {@code after} naming no container, a cycle of {@code after}s.
   */
  public static List<String> problems(List<SessionContainer> written) {
    List<String> problems = new ArrayList<>();
    Map<String, SessionContainer> byType = new LinkedHashMap<>();
    for (SessionContainer c : written) {
      if (!TYPE.matcher(c.type()).matches()) {
        problems.add(
            "container type '"
                + c.type()
                + "' must be a DNS label of at most 20 characters: "
                + TYPE.pattern());
      } else if (c.type().equals(SessionContainer.MAIN)) {
        problems.add(
            "container type 'session' is the main container's; give the extra container another"
                + " name");
      }
      byType.put(c.type(), c);
    }
    for (SessionContainer c : written) {
      for (String before : c.afterTypes()) {
        if (before.equals(SessionContainer.MAIN)) {
          continue; // the main container always starts first
        }
        if (!byType.containsKey(before)) {
          problems.add(
              "container '"
                  + c.type()
                  + "' starts after '"
                  + before
                  + "', which is not one of the template's containers "
                  + byType.keySet());
        }
      }
    }
    cycle(byType).ifPresent(path -> problems.add("containers start after each other: " + path));
    return problems;
  }

  /** One cycle of {@code after}s as {@code a -> b -> a}, if there is one. */
  private static Optional<String> cycle(Map<String, SessionContainer> byType) {
    Set<String> finished = new LinkedHashSet<>();
    for (String start : byType.keySet()) {
      Deque<String> path = new ArrayDeque<>();
      Optional<String> found = walk(start, byType, finished, path);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> walk(
      String type, Map<String, SessionContainer> byType, Set<String> finished, Deque<String> path) {
    if (finished.contains(type) || !byType.containsKey(type)) {
      return Optional.empty();
    }
    if (path.contains(type)) {
      List<String> loop = new ArrayList<>(path);
      loop = new ArrayList<>(loop.subList(loop.indexOf(type), loop.size()));
      loop.add(type);
      return Optional.of(String.join(" -> ", loop));
    }
    path.addLast(type);
    for (String next : byType.get(type).afterTypes()) {
      Optional<String> found = walk(next, byType, finished, path);
      if (found.isPresent()) {
        return found;
      }
    }
    path.removeLast();
    finished.add(type);
    return Optional.empty();
  }

  /** A container type: a short DNS label, so that Docker and Kubernetes names stay in bounds. */
  static final java.util.regex.Pattern TYPE =
      java.util.regex.Pattern.compile("[a-z]([a-z0-9-]{0,18}[a-z0-9])?");

  public boolean isEmpty() {
    return inStartOrder.isEmpty();
  }

  public Optional<SessionContainer> get(String type) {
    return inStartOrder.stream().filter(c -> c.type().equals(type)).findFirst();
  }

  /** The containers that start with the session, in start order. */
  public List<SessionContainer> auto() {
    return inStartOrder.stream().filter(SessionContainer::autoStarts).toList();
  }

  public List<String> types() {
    return inStartOrder.stream().map(SessionContainer::type).toList();
  }

  /**
   * Whether another container waits for {@code type} to be {@code done}: then it is a step that
   * ends with code 0 when its work is done, even with a probe, and that end is not a failure.
   */
  public boolean awaitedDone(String type) {
    return inStartOrder.stream()
        .flatMap(c -> c.after().stream())
        .anyMatch(d -> d.type().equals(type) && d.condition() == AfterCondition.DONE);
  }
}
