package dev.berth.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.auth.Tokens;
import dev.berth.base.SessionId;
import dev.berth.registry.Registry;
import dev.berth.runtime.Backends;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.docker.DockerRuntime;
import dev.berth.runtime.docker.SessionNetworks;
import dev.berth.runtime.local.LocalRuntime;
import dev.berth.service.SessionService;
import dev.berth.service.WorkspaceLimits;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.SessionStatus;
import dev.berth.template.TemplateLoader;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session moves from a real Docker engine to Kubernetes and on to the local backend, with its
 * files. Kubernetes here is fabric8's mock API server (no cluster can run on the build machines)
 * with the {@link KubeletStandIn} running its pods as containers on the same Docker engine; so this
 * proves the migration and the runtime's export and import, not a real cluster's storage.
 */
@ExtendWith(DockerForStandIn.class)
class MigrationToKubernetesTest {
  @TempDir Path home;
  @TempDir Path imageContext;

  @Test
  void aSessionMovesFromDockerToKubernetesAndOnToLocalWithItsFiles() throws Exception {
    String tag = "bmig" + Long.toString(new SecureRandom().nextLong() & 0xffffffL, 36);
    String image = KubeletStandIn.buildImage(imageContext);
    try (var cluster = new MockCluster();
        var kubelet = new KubeletStandIn(cluster, "berth-mig", tag);
        var registry = Registry.openSqlite(home.resolve("berth.db"))) {
      var k8s =
          new KubernetesRuntime(
              cluster.client,
              KubernetesOptions.defaults("berth-mig", tag, "inst-" + tag).withDefaultImage(image));
      var docker = new DockerRuntime(null, tag, "inst-" + tag, SessionNetworks.PER_SESSION);
      var local = new LocalRuntime(home.resolve("sessions"), "inst-" + tag);
      Map<String, SessionRuntime> runtimes = new LinkedHashMap<>();
      runtimes.put("docker", docker);
      runtimes.put("k8s", k8s);
      runtimes.put("local", local);
      var service =
          new SessionService(
              registry,
              new Backends(runtimes, "docker"),
              TemplateLoader.load(home.resolve("templates")),
              new Tokens(registry.tokens(), Clock.systemUTC()),
              Clock.systemUTC(),
              Duration.ofSeconds(5),
              WorkspaceLimits.DEFAULTS);
      SessionId id = SessionId.of("traveller");
      try {
        var created =
            service.create(
                new CreateSessionRequest(
                    Optional.of(id), Optional.empty(), Optional.empty(), Map.of(), true));
        assertThat(created.session().status()).isEqualTo(SessionStatus.RUNNING);
        service
            .workspace()
            .writeFile(id, "notes/a.txt", new ByteArrayInputStream("kept".getBytes(UTF_8)));

        var onK8s = service.migrate(id, "k8s");
        assertThat(onK8s.session().backend()).isEqualTo("k8s");
        assertThat(onK8s.session().status()).isEqualTo(SessionStatus.RUNNING);
        assertThat(onK8s.sourceCleanup().complete()).isTrue();
        assertThat(docker.listOwned()).noneMatch(r -> r.handle().equals(id.value()));
        assertThat(new String(service.workspace().readFile(id, "notes/a.txt"), UTF_8))
            .isEqualTo("kept");
        assertThat(
                cluster
                    .client
                    .persistentVolumeClaims()
                    .inNamespace("berth-mig")
                    .withLabel("berth.session", id.value())
                    .list()
                    .getItems())
            .hasSize(1);

        var onLocal = service.migrate(id, "local");
        assertThat(onLocal.session().backend()).isEqualTo("local");
        assertThat(k8s.listOwned()).noneMatch(r -> r.handle().equals(id.value()));
        assertThat(new String(service.workspace().readFile(id, "notes/a.txt"), UTF_8))
            .isEqualTo("kept");
      } finally {
        service.delete(id);
        // What the Docker runtime keeps per installation: its default image.
        KubeletStandIn.docker(List.of("rmi", tag + "/default:latest"));
        docker.close();
      }
    }
  }
}
