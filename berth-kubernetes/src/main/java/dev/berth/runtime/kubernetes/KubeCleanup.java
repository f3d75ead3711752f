package dev.berth.runtime.kubernetes;

import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.OwnedResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Destroys a session's Kubernetes resources and lists the resources Berth owns.
 *
 * <p>Why destroy looks two ways — by the session's labels and by the exact names in the persisted
 * state — rather than trusting one: the API server can create an object while the create call fails
 * on the way back, and a manager can crash between a create and persisting the state; the labels
 * find those. A name is only deleted when the object there carries this session's labels and this
 * installation's {@code berth.instance}, so a neighbour's or a stranger's object is never touched.
 *
 * <p>Order: pods first (they hold the volume), then services, network policies, and the PVC last.
 * An object already being deleted (it has a deletion timestamp, e.g. a PVC held by its protection
 * finalizer until the pod is gone) counts as gone: it is neither reported again nor listed as
 * owned.
 */
final class KubeCleanup {
  private static final Logger LOG = LoggerFactory.getLogger(KubeCleanup.class);

  /** The kinds a session has, in deletion order, with the name a receipt uses for each. */
  enum Kind {
    POD("pod", Pod.class),
    SERVICE("service", Service.class),
    NETWORK_POLICY("networkpolicy", NetworkPolicy.class),
    PVC("persistentvolumeclaim", PersistentVolumeClaim.class);

    final String receiptName;
    final Class<? extends HasMetadata> type;

    Kind(String receiptName, Class<? extends HasMetadata> type) {
      this.receiptName = receiptName;
      this.type = type;
    }
  }

  private final KubernetesClient client;
  private final String instance;

  KubeCleanup(KubernetesClient client, String instance) {
    this.client = client;
    this.instance = instance;
  }

  private MixedOperation<HasMetadata, KubernetesResourceList<HasMetadata>, Resource<HasMetadata>>
      ops(Kind kind) {
    @SuppressWarnings("unchecked")
    var ops =
        (MixedOperation<HasMetadata, KubernetesResourceList<HasMetadata>, Resource<HasMetadata>>)
            (MixedOperation<?, ?, ?>) client.resources(kind.type);
    return ops;
  }

  private List<HasMetadata> list(
      Kind kind, String namespace, Map<String, String> labels, boolean sessionsOnly) {
    var op = ops(kind).inNamespace(namespace).withLabels(labels);
    if (sessionsOnly) {
      op = op.withLabel(KubeLabels.SESSION);
    }
    return List.copyOf(op.list().getItems());
  }

  /** Removes what {@code handle} owns: found by its labels and by its recorded names. */
  CleanupReport destroy(String handle, KubeNames names) {
    var report = new CleanupReport.Builder();
    for (Kind kind : Kind.values()) {
      Map<String, HasMetadata> found = new LinkedHashMap<>();
      try {
        for (HasMetadata o : list(kind, names.namespace(), labels(handle), false)) {
          found.put(o.getMetadata().getName(), o);
        }
        for (String name : exactNames(kind, names)) {
          if (!found.containsKey(name)) {
            HasMetadata o = ops(kind).inNamespace(names.namespace()).withName(name).get();
            if (o != null && KubeLabels.owns(o.getMetadata().getLabels(), handle, instance)) {
              found.put(name, o);
            }
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("cleanup: cannot list {}s of session {}", kind.receiptName, handle, e);
        report.failed(kind.receiptName, "(lookup)", "cannot list: " + KubeFailures.reason(e));
        continue;
      }
      for (HasMetadata o : found.values()) {
        if (o.getMetadata().getDeletionTimestamp() != null) {
          continue; // already on its way out
        }
        String name = o.getMetadata().getName();
        try {
          var resource = ops(kind).inNamespace(names.namespace()).withName(name);
          // a pod goes at once, as Docker's forced removal: its session is being thrown away
          var deleted = kind == Kind.POD ? resource.withGracePeriod(0).delete() : resource.delete();
          if (!deleted.isEmpty()) {
            LOG.info("cleanup: removed {} {}", kind.receiptName, name);
            report.removed(kind.receiptName, name);
          }
        } catch (RuntimeException e) {
          if (!KubeFailures.isNotFound(e)) {
            LOG.warn(
                "cleanup: cannot remove {} {}: {}", kind.receiptName, name, KubeFailures.reason(e));
            report.failed(kind.receiptName, name, KubeFailures.reason(e));
          }
        }
      }
    }
    return report.build();
  }

  private static List<String> exactNames(Kind kind, KubeNames n) {
    return switch (kind) {
      case POD -> List.of(n.pod(), n.helperPod());
      case SERVICE -> List.of(n.service());
      case NETWORK_POLICY -> List.of(n.networkPolicy(), n.egressPolicy());
      case PVC -> List.of(n.pvc());
    };
  }

  private Map<String, String> labels(String handle) {
    return Map.of(KubeLabels.SESSION, handle, KubeLabels.INSTANCE, instance);
  }

  /** Every session object labelled with this installation's instance, in {@code namespace}. */
  List<OwnedResource> listOwned(String namespace) {
    return listOwned(namespace, Map.of(KubeLabels.INSTANCE, instance));
  }

  /** The objects of one handle, selected by the API server with its labels. */
  List<OwnedResource> listOwned(String namespace, String handle) {
    return listOwned(namespace, labels(handle));
  }

  private List<OwnedResource> listOwned(String namespace, Map<String, String> selector) {
    List<OwnedResource> out = new ArrayList<>();
    try {
      for (Kind kind : Kind.values()) {
        // withLabel(SESSION) would replace a SESSION=handle in the selector: ask for it only
        // when no handle is given
        boolean sessionsOnly = !selector.containsKey(KubeLabels.SESSION);
        for (HasMetadata o : list(kind, namespace, selector, sessionsOnly)) {
          if (o.getMetadata().getDeletionTimestamp() != null) {
            continue;
          }
          Map<String, String> l = o.getMetadata().getLabels();
          Optional<Instant> created =
              Optional.ofNullable(o.getMetadata().getCreationTimestamp())
                  .flatMap(KubeCleanup::parse)
                  .or(() -> KubeLabels.created(o.getMetadata().getAnnotations()));
          out.add(
              new OwnedResource(
                  kind.receiptName,
                  o.getMetadata().getName(),
                  l.getOrDefault(KubeLabels.SESSION, ""),
                  l.getOrDefault(KubeLabels.TEMPLATE, ""),
                  instance,
                  created));
        }
      }
    } catch (RuntimeException e) {
      throw KubeFailures.failure("list Berth's resources in namespace " + namespace, e);
    }
    return out;
  }

  private static Optional<Instant> parse(String timestamp) {
    try {
      return Optional.of(Instant.parse(timestamp));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
