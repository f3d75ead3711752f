package dev.berth.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rules a template must keep as a whole, after inheritance (a child's probe may name a port its
 * parent declares): checked when templates load, and again when a session is created (a template
 * made in code never passed the loader). Pure.
 */
public final class TemplateChecks {
  private TemplateChecks() {}

  /** Every rule {@code t} breaks, each a sentence that names the template and what to fix. */
  public static List<String> problems(Template t) {
    List<String> out = new ArrayList<>();
    probePort(t.app().probe())
        .filter(port -> !t.app().ports().contains(port))
        .ifPresent(
            port ->
                out.add(
                    "template '"
                        + t.name()
                        + "' probes port "
                        + port
                        + ", which is not among its ports "
                        + t.app().ports()
                        + ": add "
                        + port
                        + " to 'ports', or probe one of the ports it has (a probe reaches only"
                        + " declared ports, so this one could never pass)"));
    TemplateVolumeParser.problem(t).ifPresent(out::add);
    out.addAll(AfterConditions.problems(t));
    out.addAll(PoolChecks.problems(t));
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
}
