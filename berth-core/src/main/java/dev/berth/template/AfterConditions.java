package dev.berth.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules of {@code after}'s conditions ({@link AfterCondition}) that need the whole template
 * after inheritance: whether the main container can be waited for depends on the template's probe
 * and ports, which a child may inherit. Checked with {@link TemplateChecks}, when templates load
 * and again at create (a template made in code never passed the loader), so a wait that could never
 * end is refused before anything runs, never found out at a start's timeout. Pure.
 */
final class AfterConditions {
  private AfterConditions() {}

  static List<String> problems(Template t) {
    List<String> out = new ArrayList<>();
    SessionContainers containers = t.containers();
    for (SessionContainer c : containers.inStartOrder()) {
      for (ContainerDependency d : c.after()) {
        if (!d.waits()) {
          continue;
        }
        String waits =
            "template '"
                + t.name()
                + "': container '"
                + c.type()
                + "' waits for '"
                + d.type()
                + "' to be "
                + d.condition().yamlName()
                + " (after: {"
                + d.type()
                + ": "
                + d.condition().yamlName()
                + "})";
        if (d.type().equals(SessionContainer.MAIN)) {
          main(t, d, waits).ifPresent(out::add);
          continue;
        }
        Optional<SessionContainer> dependency = containers.get(d.type());
        if (dependency.isEmpty()) {
          continue; // named by SessionContainers.problems
        }
        SessionContainer before = dependency.get();
        if (d.condition() == AfterCondition.READY && before.readyProbe().isEmpty()) {
          out.add(
              waits
                  + ", but '"
                  + d.type()
                  + "' has no probe and no ports, so nothing can tell when it is ready: give '"
                  + d.type()
                  + "' a probe (e.g. probe: {exec: [test, -f, in.txt]}) or ports, or wait for it"
                  + " with 'started' or 'done'");
        }
        if (c.autoStarts() && !before.autoStarts()) {
          out.add(
              waits
                  + ", but '"
                  + d.type()
                  + "' has start: manual, so a session's start would wait for a container it does"
                  + " not start: make '"
                  + d.type()
                  + "' start: auto, make '"
                  + c.type()
                  + "' start: manual too, or wait for it with 'started'");
        }
      }
    }
    return out;
  }

  /** The main container can be waited for to be ready (its probe or a port), never to be done. */
  private static Optional<String> main(Template t, ContainerDependency d, String waits) {
    return switch (d.condition()) {
      case STARTED -> Optional.empty();
      case DONE ->
          Optional.of(
              waits
                  + ", but the main container runs as long as the session does (its end is the"
                  + " session's): wait for it with 'started' or 'ready'");
      case READY ->
          t.app().probe().isPresent() || !t.app().ports().isEmpty()
              ? Optional.empty()
              : Optional.of(
                  waits
                      + ", but the template has no probe and no ports, so nothing can tell when"
                      + " the main container is ready: give the template a probe or ports, or"
                      + " wait for it with 'started'");
    };
  }
}
