package dev.berth.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.auth.Tokens;
import dev.berth.registry.Registry;
import dev.berth.runtime.Backends;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.OwnedResource;
import dev.berth.runtime.TestTemplates;
import dev.berth.service.SessionService;
import dev.berth.service.WorkspaceLimits;
import dev.berth.service.pools.PoolStatus;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.CreatedSession;
import dev.berth.session.ExecCommand;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionStatus;
import dev.berth.template.PoolSettings;
import dev.berth.template.Template;
import dev.berth.template.TemplateCatalog;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm pools on Kubernetes, against fabric8's mock API server with the {@link KubeletStandIn}
 * running pods as containers on the machine's Docker engine (no real cluster runs here; see
 * FACTS.md): members are pods with their PVCs, running before any session; a create takes one
 * (RUNNING at once, its pod and PVC keep the member's handle in their names and labels, as nothing
 * can be renamed in Kubernetes), works in it, and its delete removes the pod and the PVC.
 */
@ExtendWith(DockerForStandIn.class)
class KubernetesWarmPoolTest {
  static final String NAMESPACE = "berth-pools";
  static MockCluster cluster;
  static KubeletStandIn kubelet;
  static KubernetesRuntime runtime;
  @TempDir static Path imageContext;
  @TempDir Path home;

  @BeforeAll
  static void startCluster() throws Exception {
    String image = KubeletStandIn.buildImage(imageContext);
    cluster = new MockCluster();
    String tag = "berthk8w" + Long.toString(new SecureRandom().nextLong() & 0xffffffL, 36);
    kubelet = new KubeletStandIn(cluster, NAMESPACE, tag);
    runtime =
        new KubernetesRuntime(
            cluster.client,
            KubernetesOptions.defaults(NAMESPACE, "bw", "test-" + tag)
                .withDefaultImage(image)
                .withStartTimeout(Duration.ofSeconds(60)));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      kubelet.close();
      cluster.close();
    }
  }

  @Test
  void aCreateTakesARunningPodAndItsDeleteRemovesThePodAndTheClaim() throws Exception {
    Template pooled =
        TestTemplates.with(
                "pooled",
                Optional.empty(),
                List.of(),
                List.of(),
                Optional.empty(),
                Optional.empty())
            .toBuilder()
            .pool(new PoolSettings(2))
            .build();
    try (var registry = Registry.openSqlite(home.resolve("berth.db"))) {
      var service =
          new SessionService(
              registry,
              Backends.of(runtime),
              new TemplateCatalog(Map.of("pooled", pooled)),
              new Tokens(registry.tokens(), Clock.systemUTC()),
              Clock.systemUTC(),
              Duration.ofSeconds(5),
              WorkspaceLimits.DEFAULTS);
      try {
        service.pools().refillAndWait(Duration.ofSeconds(120));
        PoolStatus full = service.pools().status().get(0);
        assertThat(full.ready()).as(full.toString()).isEqualTo(2);
        assertThat(full.backend()).isEqualTo("kubernetes");

        CreatedSession created =
            service.create(
                new CreateSessionRequest(
                    Optional.empty(), Optional.of("pooled"), Optional.empty(), Map.of(), true));
        assertThat(created.pooled()).isTrue();
        assertThat(created.session().status()).isEqualTo(SessionStatus.RUNNING);
        String handle = created.session().handle();
        assertThat(runtime.listOwned(handle))
            .extracting(OwnedResource::kind)
            .contains("pod", "persistentvolumeclaim");
        assertThat(runtime.listOwned(handle))
            .allSatisfy(r -> assertThat(r.name()).contains(handle));

        var echo =
            service
                .workspace()
                .exec(
                    created.session().id(),
                    new ExecCommand(
                        ExecRequest.shell("echo in the member"),
                        Optional.empty(),
                        Map.of(),
                        new byte[0],
                        Optional.of(Duration.ofSeconds(30))));
        assertThat(new String(echo.stdout(), UTF_8)).isEqualTo("in the member\n");

        SessionCleanupReceipt receipt = service.delete(created.session().id());
        assertThat(receipt.complete()).as(receipt.toString()).isTrue();
        assertThat(runtime.listOwned(handle)).isEmpty();
      } finally {
        service.pools().closeAndDrain();
      }
      assertThat(runtime.listOwned()).as("draining removed the members").isEmpty();
    }
  }
}
