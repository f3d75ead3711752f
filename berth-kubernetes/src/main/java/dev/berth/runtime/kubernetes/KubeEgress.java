package dev.berth.runtime.kubernetes;

import dev.berth.base.BerthException;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeSession;
import dev.berth.template.EgressDestination;
import dev.berth.template.EgressPolicy;
import dev.berth.template.Template;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A template's egress policy on Kubernetes: a NetworkPolicy of the session, {@code <name>-egress},
 * selecting its pod with policy type Egress. {@code none} has no egress rule (the pod opens no
 * connection at all, DNS included); an allow list has one rule per destination, an {@code ipBlock}
 * of that one address and its TCP port. NetworkPolicy knows addresses, not names, so a destination
 * written as a name is refused before anything is made (resolving it once here would pin whatever
 * address the name had that day); {@code all} has no such object.
 *
 * <p>Made at every start from the template as it is now (a changed policy applies at the next
 * start, with the new pod), removed with the session (it carries the session's labels, so cleanup
 * finds it and its receipt lists it). Replies to connections Berth opens to the pod are not egress
 * the policy restricts. It holds only where the cluster's network plugin enforces NetworkPolicy.
 */
final class KubeEgress {
  private static final Logger LOG = LoggerFactory.getLogger(KubeEgress.class);

  private KubeEgress() {}

  static List<PreflightProblem> problems(Template t) {
    if (!(t.network().egress() instanceof EgressPolicy.Allow allow)) {
      return List.of();
    }
    List<String> names =
        allow.destinations().stream().filter(d -> !d.isAddress()).map(Object::toString).toList();
    if (names.isEmpty()) {
      return List.of();
    }
    return List.of(
        new PreflightProblem.Unmet(
            "template '"
                + t.name()
                + "' allows egress to "
                + names
                + " by name, which a Kubernetes NetworkPolicy cannot express (it takes IP"
                + " addresses): list the addresses (e.g. 203.0.113.7:443), or run the session on"
                + " a Docker backend, whose egress proxy checks names"));
  }

  /** The session's egress NetworkPolicy, or empty when its template allows all. */
  static Optional<NetworkPolicy> policy(
      RuntimeSession s, KubeNames n, KubernetesOptions o, Instant now) {
    EgressPolicy egress = s.template().network().egress();
    List<NetworkPolicyEgressRule> rules =
        switch (egress) {
          case EgressPolicy.All a -> null;
          case EgressPolicy.None none -> List.of();
          case EgressPolicy.Allow allow ->
              allow.destinations().stream().map(KubeEgress::rule).toList();
        };
    if (rules == null) {
      return Optional.empty();
    }
    return Optional.of(
        new NetworkPolicyBuilder()
            .withMetadata(
                new ObjectMetaBuilder()
                    .withName(n.egressPolicy())
                    .withNamespace(o.namespace())
                    .withLabels(KubeLabels.of(s, KubeLabels.TYPE_NETWORK, o.instance()))
                    .withAnnotations(KubeLabels.annotations(s, now))
                    .build())
            .withNewSpec()
            .withNewPodSelector()
            .withMatchLabels(KubeLabels.podSelector(s, o.instance()))
            .endPodSelector()
            .withPolicyTypes("Egress")
            .withEgress(rules)
            .endSpec()
            .build());
  }

  private static NetworkPolicyEgressRule rule(EgressDestination d) {
    if (!d.isAddress()) {
      throw BerthException.badRequest(
          "egress destination " + d + " is a name; a NetworkPolicy takes addresses only");
    }
    String cidr = d.host() + (d.host().contains(":") ? "/128" : "/32");
    return new NetworkPolicyEgressRuleBuilder()
        .addNewTo()
        .withNewIpBlock()
        .withCidr(cidr)
        .endIpBlock()
        .endTo()
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(d.port()))
        .endPort()
        .build();
  }

  /**
   * Puts the session's egress policy in place as the template has it now, before its pod is made:
   * created, replaced when it differs, removed when the template allows all.
   */
  static void apply(KubernetesClient client, RuntimeSession s, KubeNames n, KubernetesOptions o) {
    Optional<NetworkPolicy> wanted = policy(s, n, o, Instant.now());
    var existing =
        client
            .network()
            .v1()
            .networkPolicies()
            .inNamespace(n.namespace())
            .withName(n.egressPolicy());
    NetworkPolicy now;
    try {
      now = existing.get();
    } catch (RuntimeException e) {
      throw KubeFailures.failure("read networkpolicy " + n.egressPolicy(), e);
    }
    if (now != null && !KubeLabels.owns(now.getMetadata().getLabels(), s.handle(), o.instance())) {
      throw BerthException.conflict(
          "a networkpolicy "
              + n.egressPolicy()
              + " exists in namespace "
              + n.namespace()
              + " that is not session '"
              + s.id()
              + "''s; remove it or pick another prefix");
    }
    try {
      if (wanted.isEmpty()) {
        if (now != null) {
          existing.delete();
          LOG.info("session {}: removed networkpolicy {} (egress all)", s.id(), n.egressPolicy());
        }
        return;
      }
      if (now == null) {
        client.resource(wanted.get()).inNamespace(n.namespace()).create();
        LOG.info("session {}: created networkpolicy {}", s.id(), n.egressPolicy());
      } else if (!now.getSpec().equals(wanted.get().getSpec())) {
        // Replaced, not patched: no pod of the session runs now (this is before the new one), and
        // a NetworkPolicy has no finalizer, so it is gone once the delete returns.
        existing.delete();
        client.resource(wanted.get()).inNamespace(n.namespace()).create();
        LOG.info("session {}: replaced networkpolicy {}", s.id(), n.egressPolicy());
      }
    } catch (RuntimeException e) {
      throw KubeFailures.failure("apply networkpolicy " + n.egressPolicy(), e);
    }
  }
}
