package dev.berth.runtime.kubernetes;

import dev.berth.base.BerthException;
import dev.berth.runtime.PreflightProblem;
import dev.berth.template.ContainerDependency;
import dev.berth.template.SessionContainer;
import dev.berth.template.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The template checks {@link KubernetesRuntime#prepare} would fail on, run before a session is
 * recorded (see {@link KubernetesRuntime#preflight}), plus the one it would not: a template whose
 * image Berth builds runs on Kubernetes only if the template also names where the cluster pulls it
 * from, else its sessions would silently get the backend's default image. And a template's {@code
 * start: manual} container: a running pod cannot be given another container (docs/kubernetes.md),
 * and a container on an image Berth builds ({@code template:}), refused as the main one's is. And a
 * container that waits for another to be ready or done ({@code after: {type: ready}}): the kubelet
 * starts a pod's containers together, so nothing could hold it back ({@link #waitRefused}). And a
 * template volume folder larger than a ConfigMap may be ({@link KubeTemplateVolumes}).
 */
final class KubePreflight {
  private KubePreflight() {}

  static List<PreflightProblem> problems(Template t, KubernetesOptions options) {
    List<PreflightProblem> out = new ArrayList<>(KubeEgress.problems(t));
    KubeTemplateVolumes.tooLarge(t).ifPresent(m -> out.add(new PreflightProblem.Unmet(m)));
    try {
      KubeManifests.runAs(t, options);
    } catch (BerthException e) {
      out.add(new PreflightProblem.Unmet(e.getMessage()));
    }
    try {
      KubeManifests.capabilities(t);
    } catch (BerthException e) {
      out.add(new PreflightProblem.Unmet("template '" + t.name() + "': " + e.getMessage()));
    }
    waitRefused(t).ifPresent(m -> out.add(new PreflightProblem.Unmet(m)));
    for (SessionContainer c : t.containers().inStartOrder()) {
      if (!c.autoStarts()) {
        out.add(
            new PreflightProblem.Unmet(
                "template '"
                    + t.name()
                    + "' has container '"
                    + c.type()
                    + "' with start: manual; Kubernetes starts a pod's containers together and"
                    + " cannot add one to a running pod. Make it start: auto, or create the session"
                    + " on the docker backend"));
      }
      // Refused as the main container's built image is, for the same reason.
      c.templateImage()
          .ifPresent(
              i ->
                  out.add(
                      new PreflightProblem.Unmet(
                          "template '"
                              + t.name()
                              + "' has container '"
                              + c.type()
                              + "' on the image Berth builds from template '"
                              + i.template()
                              + "', which stays on the Docker engine where it is built: no"
                              + " Kubernetes node can pull it. Push it to a registry the cluster"
                              + " reaches and name it with 'image', or create the session on a"
                              + " Docker backend")));
      c.user()
          .filter(u -> !u.isBlank())
          .ifPresent(
              u -> {
                try {
                  KubeManifests.runAs(c.type(), t.name(), u);
                } catch (BerthException e) {
                  out.add(new PreflightProblem.Unmet(e.getMessage()));
                }
              });
    }
    boolean named = t.image().reference().filter(i -> !i.isBlank()).isPresent();
    if (!named && t.image().build().isPresent()) {
      out.add(
          new PreflightProblem.Unmet(
              "template '"
                  + t.name()
                  + "' runs an image Berth builds from the Dockerfile of template '"
                  + t.image().build().get().owner()
                  + "', which stays on the Docker engine where it is built: no Kubernetes node can"
                  + " pull it. Push it to a registry the cluster reaches and name it in a template"
                  + " with 'image', or create the session on a Docker backend"));
    }
    return out;
  }

  /**
   * Why the template's {@code after} conditions cannot be honoured here, if any asks for a wait:
   * the containers of a pod start together (init containers would run before every container, the
   * main one too, and end), so a container cannot be held back until another is ready or done.
   * Refused rather than run without the wait, where a container would read input not there yet. The
   * list form ({@code started}) is accepted as it always was: the order is not kept either.
   */
  static Optional<String> waitRefused(Template t) {
    for (SessionContainer c : t.containers().inStartOrder()) {
      for (ContainerDependency d : c.after()) {
        if (d.waits()) {
          String condition = d.condition().yamlName();
          return Optional.of(
              "template '"
                  + t.name()
                  + "' has container '"
                  + c.type()
                  + "' waiting for '"
                  + d.type()
                  + "' to be "
                  + condition
                  + " (after: {"
                  + d.type()
                  + ": "
                  + condition
                  + "}); Kubernetes starts a pod's containers together and cannot hold one back"
                  + " until another is ready or done. Use after's list form (order only, not kept"
                  + " on Kubernetes either) and let '"
                  + c.type()
                  + "' wait for its input itself, or create the session on the docker backend");
        }
      }
    }
    return Optional.empty();
  }
}
