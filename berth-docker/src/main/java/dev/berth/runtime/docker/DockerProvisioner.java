package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.model.Network;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.RuntimeSession;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a session's volume, network and container when they are missing, and refuses to adopt a
 * resource of the same name that is not this session's (another session's, another Berth
 * installation's, or a stranger's): that is a CONFLICT, never a silent takeover.
 */
final class DockerProvisioner {
  private static final Logger LOG = LoggerFactory.getLogger(DockerProvisioner.class);
  private final DockerEngine engine;
  private final String instance;
  static final String NO_ICC_OPTION = "com.docker.network.bridge.enable_icc";

  DockerProvisioner(DockerEngine engine, String instance) {
    this.engine = engine;
    this.instance = instance;
  }

  /** Makes sure the image is on the engine; Berth never pulls. */
  void requireImage(String image) {
    try {
      engine.client.inspectImageCmd(image).exec();
    } catch (RuntimeException e) {
      if (DockerEngine.isNotFound(e)) {
        throw new BerthException(
            ErrorCode.RUNTIME_FAILURE,
            "image '"
                + image
                + "' is not on the Docker engine; build it first (Berth never pulls)");
      }
      throw DockerEngine.failure("inspect image " + image, e);
    }
  }

  /** True when the volume was created by this call. */
  boolean ensureVolume(RuntimeSession s, String name) {
    String id = s.handle();
    try {
      var existing = engine.client.inspectVolumeCmd(name).exec();
      requireOwned("volume", name, existing.getLabels(), id);
      return false;
    } catch (RuntimeException e) {
      if (!DockerEngine.isNotFound(e)) {
        throw rethrow("inspect volume " + name, e);
      }
    }
    try {
      engine
          .client
          .createVolumeCmd()
          .withName(name)
          .withLabels(labels(s, DockerLabels.TYPE_WORKSPACE))
          .exec();
      LOG.info("session {}: created volume {}", id, name);
      return true;
    } catch (RuntimeException e) {
      throw DockerEngine.failure("create volume " + name, e);
    }
  }

  /**
   * The shared network: every session's container joins it, and inter-container traffic on it is
   * dropped by the engine. Made once, labelled with the instance but no session, never removed by a
   * session's destroy. A network of that name without ICC disabled is a CONFLICT: joining it would
   * let sessions reach each other.
   *
   * <p>Synchronized: the engine's duplicate check on create is not atomic, and concurrent creates
   * of one name (the first sessions of a fresh installation, all at once) leave several networks of
   * that name, which the engine then refuses to resolve ("ambiguous"). Duplicates left by an
   * earlier Berth are reduced to one.
   */
  synchronized void ensureSharedNetwork(String name) {
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        Network n = engine.client.inspectNetworkCmd().withNetworkId(name).exec();
        if (name.equals(n.getName())) {
          Map<String, String> options = n.getOptions() == null ? Map.of() : n.getOptions();
          String owner = n.getLabels() == null ? null : n.getLabels().get(DockerLabels.INSTANCE);
          if (owner != null && !owner.equals(instance)) {
            throw BerthException.conflict(
                "network '"
                    + name
                    + "' is the shared session network of another Berth installation (instance "
                    + owner
                    + ") with the same prefix on this engine; give this installation a different"
                    + " prefix (prefix in berth.yaml or BERTH_PREFIX)");
          }
          if (!"false".equals(options.get(NO_ICC_OPTION)) || owner == null) {
            throw BerthException.conflict(
                "network '"
                    + name
                    + "' exists but is not this Berth's shared session network with"
                    + " inter-container traffic disabled; remove or rename it");
          }
          return;
        }
      } catch (RuntimeException e) {
        if (DockerEngine.reason(e).contains("ambiguous")) {
          removeDuplicateNetworks(name);
          continue;
        }
        if (!DockerEngine.isNotFound(e)) {
          throw rethrow("inspect network " + name, e);
        }
      }
      try {
        engine
            .client
            .createNetworkCmd()
            .withName(name)
            .withDriver("bridge")
            .withCheckDuplicate(true)
            .withOptions(Map.of(NO_ICC_OPTION, "false"))
            .withLabels(
                DockerLabels.stamped(
                    Map.of(
                        DockerLabels.TYPE,
                        DockerLabels.TYPE_NETWORK,
                        DockerLabels.INSTANCE,
                        instance),
                    Instant.now()))
            .exec();
        LOG.info("created the shared session network {} (inter-container traffic off)", name);
        return;
      } catch (ConflictException raced) {
        // another prepare made it meanwhile: inspect it again
      } catch (RuntimeException e) {
        throw DockerEngine.failure("create network " + name, e);
      }
    }
    throw new BerthException(ErrorCode.RUNTIME_FAILURE, "cannot create network " + name);
  }

  /** Keeps the oldest network named exactly {@code name} and removes the others (if unused). */
  private void removeDuplicateNetworks(String name) {
    List<Network> same =
        engine.client.listNetworksCmd().withNameFilter(name).exec().stream()
            .filter(n -> name.equals(n.getName()))
            .sorted(
                java.util.Comparator.comparing(
                    (Network n) -> n.getCreated() == null ? new java.util.Date(0) : n.getCreated()))
            .toList();
    for (Network extra : same.subList(Math.min(1, same.size()), same.size())) {
      try {
        engine.client.removeNetworkCmd(extra.getId()).exec();
        LOG.warn("removed a duplicate of network {} ({})", name, extra.getId());
      } catch (RuntimeException e) {
        LOG.warn("cannot remove duplicate network {} ({}): {}", name, extra.getId(), e.toString());
      }
    }
  }

  void ensureNetwork(RuntimeSession s, String name) {
    String id = s.handle();
    try {
      Network n = engine.client.inspectNetworkCmd().withNetworkId(name).exec();
      if (name.equals(n.getName())) {
        requireOwned("network", name, n.getLabels(), id);
        return;
      }
    } catch (RuntimeException e) {
      if (!DockerEngine.isNotFound(e)) {
        throw rethrow("inspect network " + name, e);
      }
    }
    try {
      engine
          .client
          .createNetworkCmd()
          .withName(name)
          .withDriver("bridge")
          .withCheckDuplicate(true)
          .withLabels(labels(s, DockerLabels.TYPE_NETWORK))
          .exec();
      LOG.info("session {}: created network {}", id, name);
    } catch (RuntimeException e) {
      String reason = DockerEngine.reason(e);
      if (reason.contains("address pool")) {
        // Docker's default pools hold about 30 bridge networks; one per session exhausts them.
        throw new BerthException(
            ErrorCode.RUNTIME_FAILURE,
            "cannot create network "
                + name
                + ": the engine has no free subnet ("
                + reason
                + "). Each session has a network of its own: give dockerd more, smaller subnets,"
                + " e.g. \"default-address-pools\": [{\"base\": \"10.200.0.0/16\", \"size\": 28}]"
                + " in /etc/docker/daemon.json",
            e);
      }
      throw DockerEngine.failure("create network " + name, e);
    }
  }

  /** The session container, created from {@code spec} when missing. */
  InspectContainerResponse ensureContainer(RuntimeSession s, ContainerSpec spec) {
    Optional<InspectContainerResponse> existing = find(spec.name());
    if (existing.isPresent()) {
      requireOwned("container", spec.name(), existing.get().getConfig().getLabels(), s.handle());
      return existing.get();
    }
    try {
      spec.applyTo(engine.client.createContainerCmd(spec.image())).exec();
      LOG.info("session {}: created container {} from {}", s.id(), spec.name(), spec.image());
    } catch (ConflictException e) {
      throw BerthException.conflict(
          "a container named '" + spec.name() + "' exists already: " + DockerEngine.reason(e));
    } catch (RuntimeException e) {
      throw DockerEngine.failure("create container " + spec.name(), e);
    }
    return find(spec.name())
        .orElseThrow(
            () ->
                new BerthException(
                    ErrorCode.RUNTIME_FAILURE,
                    "container " + spec.name() + " vanished right after it was created"));
  }

  Optional<InspectContainerResponse> find(String nameOrId) {
    try {
      return Optional.of(
          engine.quick(
              "inspect container " + nameOrId,
              () -> engine.client.inspectContainerCmd(nameOrId).exec()));
    } catch (RuntimeException e) {
      if (DockerEngine.isNotFound(e)) {
        return Optional.empty();
      }
      throw rethrow("inspect container " + nameOrId, e);
    }
  }

  boolean volumeExists(String name) {
    try {
      engine.quick("inspect volume " + name, () -> engine.client.inspectVolumeCmd(name).exec());
      return true;
    } catch (RuntimeException e) {
      if (DockerEngine.isNotFound(e)) {
        return false;
      }
      throw rethrow("inspect volume " + name, e);
    }
  }

  Map<String, String> labels(RuntimeSession s, String type) {
    return DockerLabels.stamped(DockerLabels.of(s, type, instance), Instant.now());
  }

  private void requireOwned(String kind, String name, Map<String, String> labels, String id) {
    if (!DockerLabels.owns(labels, id, instance)) {
      throw BerthException.conflict(
          "a "
              + kind
              + " named '"
              + name
              + "' exists and does not belong to session '"
              + id
              + "' of this Berth instance; remove or rename it");
    }
  }

  private static RuntimeException rethrow(String what, RuntimeException e) {
    return e instanceof BerthException ? e : DockerEngine.failure(what, e);
  }
}
