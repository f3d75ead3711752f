package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.auth.Tokens;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.registry.Registry;
import dev.berth.runtime.Backends;
import dev.berth.service.SessionService;
import dev.berth.service.WorkspaceLimits;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.SessionStatus;
import dev.berth.template.ImageBuild;
import dev.berth.template.Template;
import dev.berth.template.TemplateCatalog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Kubernetes backend can refuse before anything exists, on fabric8's mock API server (CRUD
 * mode; no real cluster runs here): a template that runs as root, and one whose image Berth builds
 * (it stays on the Docker engine; no node could pull it). A refused create leaves no object in the
 * namespace and no registry row; the same id works with a template the cluster can run.
 */
class KubernetesPreflightTest {
  static final String NS = "berth-preflight";
  static MockCluster cluster;
  static KubernetesRuntime runtime;
  @TempDir Path home;

  @BeforeAll
  static void start() {
    cluster = new MockCluster();
    runtime =
        new KubernetesRuntime(cluster.client, KubernetesOptions.defaults(NS, "berth", "inst-p"));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static CreateSessionRequest warm(String id, String template) {
    return new CreateSessionRequest(
        Optional.of(SessionId.of(id)), Optional.of(template), Optional.empty(), Map.of(), false);
  }

  private int objects() {
    return cluster.client.persistentVolumeClaims().inNamespace(NS).list().getItems().size()
        + cluster.client.services().inNamespace(NS).list().getItems().size()
        + cluster.client.pods().inNamespace(NS).list().getItems().size();
  }

  @Test
  void templatesTheClusterCannotRunAreRefusedBeforeAnythingExists() {
    Template built =
        Template.builder("built")
            .build(
                new ImageBuild(
                    "built",
                    Path.of("/nowhere"),
                    "Dockerfile",
                    Map.of(),
                    Map.of(),
                    Optional.empty()))
            .command("sleep", "600")
            .build();
    Template root = Template.builder("root").image("registry.example/app:1").user("0:0").build();
    Template fine = Template.builder("fine").image("registry.example/app:1").build();
    var catalog = new TemplateCatalog(Map.of("built", built, "root", root, "fine", fine));
    try (Registry registry = Registry.openSqlite(home.resolve("berth.db"))) {
      var service =
          new SessionService(
              registry,
              Backends.of(runtime),
              catalog,
              new Tokens(registry.tokens(), Clock.systemUTC()),
              Clock.systemUTC(),
              Duration.ofSeconds(5),
              WorkspaceLimits.DEFAULTS);
      assertThatThrownBy(() -> service.create(warm("kp1", "built")))
          .isInstanceOf(BerthException.class)
          .satisfies(
              e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.PRECONDITION_FAILED))
          .hasMessageContaining("no Kubernetes node can pull it");
      assertThatThrownBy(() -> service.create(warm("kp1", "root")))
          .isInstanceOf(BerthException.class)
          .hasMessageContaining("runs as root");
      assertThat(registry.sessions().find(SessionId.of("kp1"))).isEmpty();
      assertThat(registry.events().of(SessionId.of("kp1"), 0, 10)).isEmpty();
      assertThat(objects()).as("objects in the namespace").isZero();

      var ok = service.create(warm("kp1", "fine"));
      assertThat(ok.session().status()).isEqualTo(SessionStatus.STOPPED);
      assertThat(objects()).isPositive();
      service.delete(SessionId.of("kp1"));
    }
  }
}
