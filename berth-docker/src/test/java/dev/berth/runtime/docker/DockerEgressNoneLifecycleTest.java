package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.RuntimeSession;
import dev.berth.template.EgressPolicy;
import dev.berth.template.Template;
import org.junit.jupiter.api.Test;

/**
 * Every lifecycle, hardening, port and isolation test again, with each session's template at {@code
 * network: {egress: none}} (its own network, made internal: see {@link EgressNetworks}); and that
 * the sessions really are on such a network. A closed network must not cost a session any of its
 * hardening (capabilities, no new privileges, limits, init) or its isolation from the others.
 */
class DockerEgressNoneLifecycleTest extends DockerLifecycleTest {

  @Override
  Template forThisClass(Template t) {
    return t.toBuilder().egress(EgressPolicy.NONE).build();
  }

  @Test
  void theSuitesSessionsAreOnAnInternalNetworkWithNothingPublished() {
    RuntimeSession s = started(Templates.web("closed", 8080));
    String network = s.state().get("network");
    assertThat(s.state().get(EgressNetworks.KEY_EGRESS)).isEqualTo("none");
    assertThat(engine.client.inspectNetworkCmd().withNetworkId(network).exec().getInternal())
        .as("network %s is internal", network)
        .isTrue();
    assertThat(publishedPorts(s)).isEmpty();
  }
}
