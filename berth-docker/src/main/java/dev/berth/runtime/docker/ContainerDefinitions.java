package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.template.TemplateDefinition;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which template definition a session container was created from, and replacing a stopped one that
 * is outdated. A Docker container keeps the command, environment, image, ports, user and limits it
 * was created with, so an edited template would otherwise never reach a session that already has
 * its container: every container carries its definition's fingerprint ({@link TemplateDefinition})
 * as the label {@value #LABEL}, and a start whose template has another one removes the stopped
 * container (never the volume) and creates it again from the template as it is now.
 */
final class ContainerDefinitions {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerDefinitions.class);

  /** The label holding the fingerprint of the definition a container was created from. */
  static final String LABEL = "berth.definition";

  private final DockerEngine engine;
  private final ContainerUsers users;

  ContainerDefinitions(DockerEngine engine, ContainerUsers users) {
    this.engine = engine;
    this.users = users;
  }

  /** The fingerprint of what the session's container is to be made from now. */
  static String of(RuntimeSession s) {
    return TemplateDefinition.fingerprint(s.template());
  }

  /** The labels of a new container, with its definition. */
  static Map<String, String> labelled(Map<String, String> labels, RuntimeSession s) {
    var out = new java.util.TreeMap<>(labels);
    out.put(LABEL, of(s));
    return out;
  }

  /**
   * True when the container was created from another definition than the session's template has
   * now; a container without the label (made by an older Berth) counts as outdated: nothing says it
   * is current.
   */
  static boolean outdated(InspectContainerResponse container, RuntimeSession s) {
    Map<String, String> labels =
        Optional.ofNullable(container.getConfig().getLabels()).orElse(Map.of());
    return !of(s).equals(labels.get(LABEL));
  }

  /**
   * Why a container is to be made again although its template is unchanged, or empty: it was made
   * by an earlier Berth or under other settings, with a name other sessions can read through
   * Docker's DNS ({@link DnsNames}), or with its ports published where they should not be (or not
   * where they should; {@link PortPublishing}). Either is fixed only by a new container.
   */
  static Optional<String> madeOtherwise(
      InspectContainerResponse container, String name, RuntimeSession s, boolean publish) {
    String actual = container.getName() == null ? "" : container.getName().replaceFirst("^/", "");
    if (!actual.equals(name)) {
      return Optional.of(
          "other sessions can read its name through Docker's DNS; it becomes " + name);
    }
    boolean published = false;
    var host = container.getHostConfig();
    if (host != null && host.getPortBindings() != null) {
      published =
          host.getPortBindings().getBindings().values().stream()
              .anyMatch(b -> b != null && b.length > 0);
    }
    boolean wanted = publish && !s.template().app().ports().isEmpty();
    if (published != wanted) {
      return Optional.of(
          wanted ? "its ports are to be published" : "its ports are published; they no longer are");
    }
    return Optional.empty();
  }

  /**
   * Removes the stopped, outdated container (its volume stays) and returns the session's state
   * without what belonged to it, so the next prepare creates it again from the current template and
   * resolves its image again.
   */
  RuntimeState remove(RuntimeSession s, InspectContainerResponse container) {
    return remove(s, container, "its template changed since it was created");
  }

  /** As above, saying why in the log. */
  RuntimeState remove(RuntimeSession s, InspectContainerResponse container, String why) {
    try {
      engine.client.removeContainerCmd(container.getId()).withRemoveVolumes(false).exec();
    } catch (RuntimeException e) {
      if (!DockerEngine.isNotFound(e)) {
        throw DockerEngine.failure("remove outdated container " + container.getName(), e);
      }
    }
    users.forget(container.getId());
    LOG.info(
        "session {}: recreating container {} on the same volume: {}",
        s.id(),
        container.getName(),
        why);
    return s.state()
        .with(DockerRuntime.KEY_CONTAINER_ID, null)
        .with(DockerRuntime.KEY_IMAGE, null)
        .with(DockerRuntime.KEY_IMAGE_ID, null);
  }
}
