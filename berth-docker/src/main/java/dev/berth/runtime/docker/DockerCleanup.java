package dev.berth.runtime.docker;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.OwnedResource;
import dev.berth.runtime.RuntimeSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Destroys a session's Docker resources and lists the resources Berth owns.
 *
 * <p>Why destroy looks three ways — the names in the persisted state, the session's labels, and the
 * exact names it would generate — rather than trusting the state alone: the engine can create a
 * container while the create call fails on the way back (a timeout, a network error), and a manager
 * can crash between a create and persisting the state. Such a container carries the session's
 * labels but is in no state; the labels find it. A label match also requires {@code
 * berth.instance}, and a name match is accepted only with the session's labels, so a neighbour's
 * resource, another Berth installation's, or a stranger's container whose name merely contains the
 * session id is never touched.
 *
 * <p>Order matters: containers first (they hold the network and the volume), then the network, then
 * the volume. A resource that is already gone is not reported; one that fails is reported with
 * Docker's reason and left for the next call.
 */
final class DockerCleanup {
  private static final Logger LOG = LoggerFactory.getLogger(DockerCleanup.class);
  private final DockerEngine engine;
  private final String instance;

  DockerCleanup(DockerEngine engine, String instance) {
    this.engine = engine;
    this.instance = instance;
  }

  private List<String> labelFilter(String sessionId) {
    return List.of(DockerLabels.SESSION + "=" + sessionId, DockerLabels.INSTANCE + "=" + instance);
  }

  CleanupReport destroy(RuntimeSession s, DockerNames names, List<String> extraContainers) {
    String id = s.handle();
    var report = new CleanupReport.Builder();

    Map<String, String> containers = new LinkedHashMap<>(); // id -> name
    collect(
        report,
        "container",
        () -> {
          for (Container c :
              engine
                  .client
                  .listContainersCmd()
                  .withShowAll(true)
                  .withLabelFilter(
                      Map.of(DockerLabels.SESSION, id, DockerLabels.INSTANCE, instance))
                  .exec()) {
            containers.put(c.getId(), containerName(c));
          }
          List<String> exact = new ArrayList<>(extraContainers);
          exact.add(names.container());
          for (String name : exact) {
            ownedContainer(name, id).ifPresent(cid -> containers.putIfAbsent(cid, name));
          }
          return null;
        });
    for (var c : containers.entrySet()) {
      remove(
          report,
          "container",
          c.getValue(),
          () -> engine.client.removeContainerCmd(c.getKey()).withForce(true).exec());
    }

    Map<String, String> networks = new LinkedHashMap<>(); // id -> name
    collect(
        report,
        "network",
        () -> {
          for (Network n :
              engine.client.listNetworksCmd().withFilter("label", labelFilter(id)).exec()) {
            networks.put(n.getId(), n.getName());
          }
          ownedNetwork(names.network(), id)
              .ifPresent(nid -> networks.putIfAbsent(nid, names.network()));
          return null;
        });
    for (var n : networks.entrySet()) {
      remove(
          report, "network", n.getValue(), () -> engine.client.removeNetworkCmd(n.getKey()).exec());
    }

    List<String> volumes = new ArrayList<>();
    collect(
        report,
        "volume",
        () -> {
          var listed = engine.client.listVolumesCmd().withFilter("label", labelFilter(id)).exec();
          if (listed.getVolumes() != null) {
            listed.getVolumes().forEach(v -> volumes.add(v.getName()));
          }
          if (!volumes.contains(names.volume()) && ownedVolume(names.volume(), id)) {
            volumes.add(names.volume());
          }
          return null;
        });
    for (String v : volumes) {
      remove(report, "volume", v, () -> engine.client.removeVolumeCmd(v).exec());
    }
    return report.build();
  }

  private static String containerName(Container c) {
    String[] names = c.getNames();
    if (names == null || names.length == 0) {
      return c.getId();
    }
    return names[0].startsWith("/") ? names[0].substring(1) : names[0];
  }

  private Optional<String> ownedContainer(String name, String sessionId) {
    try {
      var info = engine.client.inspectContainerCmd(name).exec();
      return DockerLabels.owns(info.getConfig().getLabels(), sessionId, instance)
          ? Optional.of(info.getId())
          : Optional.empty();
    } catch (RuntimeException e) {
      if (DockerEngine.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private Optional<String> ownedNetwork(String name, String sessionId) {
    try {
      Network n = engine.client.inspectNetworkCmd().withNetworkId(name).exec();
      // the engine also matches ids and id prefixes; insist on the exact name
      return name.equals(n.getName()) && DockerLabels.owns(n.getLabels(), sessionId, instance)
          ? Optional.of(n.getId())
          : Optional.empty();
    } catch (RuntimeException e) {
      if (DockerEngine.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private boolean ownedVolume(String name, String sessionId) {
    try {
      var v = engine.client.inspectVolumeCmd(name).exec();
      return DockerLabels.owns(v.getLabels(), sessionId, instance);
    } catch (RuntimeException e) {
      if (DockerEngine.isNotFound(e)) {
        return false;
      }
      throw e;
    }
  }

  /** Runs a lookup; an engine failure becomes a failed entry instead of an exception. */
  private static void collect(CleanupReport.Builder report, String kind, Supplier<Void> lookup) {
    try {
      lookup.get();
    } catch (RuntimeException e) {
      LOG.warn("cleanup: cannot list {}s", kind, e);
      report.failed(kind, "(lookup)", "cannot list " + kind + "s: " + DockerEngine.reason(e));
    }
  }

  private static void remove(
      CleanupReport.Builder report, String kind, String name, Runnable removal) {
    try {
      removal.run();
      LOG.info("cleanup: removed {} {}", kind, name);
      report.removed(kind, name);
    } catch (RuntimeException e) {
      if (!DockerEngine.isNotFound(e)) {
        LOG.warn("cleanup: cannot remove {} {}: {}", kind, name, DockerEngine.reason(e));
        report.failed(kind, name, DockerEngine.reason(e));
      }
    }
  }

  /**
   * Every container, network and volume labelled with this installation's instance. Bounded (see
   * {@link DockerEngine#QUICK_RESPONSE}): the reconciler's orphan pass must not hang on the engine.
   */
  List<OwnedResource> listOwned() {
    try {
      return engine.quick(
          "list Berth's resources",
          () -> listOwnedUnbounded(Map.of(DockerLabels.INSTANCE, instance)));
    } catch (RuntimeException e) {
      throw DockerEngine.failure("list Berth's resources", e);
    }
  }

  /** The resources of one handle, selected by the engine with its labels. */
  List<OwnedResource> listOwned(String handle) {
    try {
      return engine.quick(
          "list the resources of " + handle,
          () ->
              listOwnedUnbounded(
                  Map.of(DockerLabels.INSTANCE, instance, DockerLabels.SESSION, handle)));
    } catch (RuntimeException e) {
      throw DockerEngine.failure("list the resources of " + handle, e);
    }
  }

  private List<OwnedResource> listOwnedUnbounded(Map<String, String> selector) {
    List<String> mine =
        selector.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
    List<OwnedResource> out = new ArrayList<>();
    for (Container c :
        engine.client.listContainersCmd().withShowAll(true).withLabelFilter(selector).exec()) {
      Optional<Instant> created =
          c.getCreated() == null
              ? Optional.empty()
              : Optional.of(Instant.ofEpochSecond(c.getCreated()));
      if (!ofASession(c.getLabels())) {
        continue; // a template volume's seed container; see TemplateVolumes
      }
      out.add(owned("container", containerName(c), c.getLabels(), created));
    }
    for (Network n : engine.client.listNetworksCmd().withFilter("label", mine).exec()) {
      Optional<Instant> created =
          n.getCreated() == null ? Optional.empty() : Optional.of(n.getCreated().toInstant());
      if (ofASession(n.getLabels())) { // not the shared network, which is no session's
        out.add(owned("network", n.getName(), n.getLabels(), created));
      }
    }
    var volumes = engine.client.listVolumesCmd().withFilter("label", mine).exec().getVolumes();
    if (volumes != null) {
      for (var v : volumes) {
        if (!ofASession(v.getLabels())) {
          continue; // a template volume is no session's: TemplateVolumes lists and collects it
        }
        out.add(owned("volume", v.getName(), v.getLabels(), Optional.empty()));
      }
    }
    return out;
  }

  private static boolean ofASession(Map<String, String> labels) {
    return labels != null && labels.containsKey(DockerLabels.SESSION);
  }

  private OwnedResource owned(
      String kind, String name, Map<String, String> labels, Optional<Instant> created) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    Optional<Instant> when = created.or(() -> DockerLabels.created(l));
    return new OwnedResource(
        kind,
        name,
        l.getOrDefault(DockerLabels.SESSION, ""),
        l.getOrDefault(DockerLabels.TEMPLATE, ""),
        instance,
        when);
  }
}
