package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.TestServer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A named Kubernetes backend next to the local one, wired from berth.yaml by the CLI's chooser. No
 * real cluster is reachable on the build machines: the API server here is fabric8's mock in CRUD
 * mode, which stores objects but runs no pods, so this test only warms a session (workspace PVC,
 * nothing running) and deletes it. The runtime itself is tested in berth-kubernetes.
 */
class NamedKubernetesBackendTest {
  @TempDir Path home;
  private KubernetesMockServer cluster;

  @BeforeEach
  void startMock() {
    var responses =
        new java.util.HashMap<
            io.fabric8.mockwebserver.ServerRequest,
            java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
    cluster =
        new KubernetesMockServer(
            new io.fabric8.mockwebserver.Context(),
            new io.fabric8.mockwebserver.MockWebServer(),
            responses,
            new io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher(responses),
            false);
    cluster.init();
  }

  @AfterEach
  void stopMock() {
    cluster.destroy();
  }

  @Test
  void aSessionIsWarmedOnTheNamedClusterAndCleanedUpByItsId() throws Exception {
    String url = cluster.createClient().getConfiguration().getMasterUrl();
    Path kubeconfig =
        Files.writeString(
            home.resolve("kubeconfig"),
            """
            apiVersion: v1
            kind: Config
            clusters: [{name: mock, cluster: {server: "%s"}}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: mock, context: {cluster: mock, user: u, namespace: sessions}}]
            current-context: mock
            """
                .formatted(url));
    Files.writeString(
        home.resolve("berth.yaml"),
        "backend: local\nbackends:\n  k8s-test: {kind: kubernetes, kubeconfig: '"
            + kubeconfig
            + "', namespace: sessions, networkPolicy: false}\n");

    try (var berth = new TestServer(home, Map.of(), "local")) {
      var health = berth.admin("GET", "/api/v1/health", null).json();
      assertThat(health.get("backends").toString()).contains("local", "k8s-test");
      assertThat(health.get("defaultBackend").asString()).isEqualTo("local");

      var created =
          berth.admin(
              "POST",
              "/api/v1/sessions",
              "{\"id\": \"kw\", \"backend\": \"k8s-test\", \"start\": false}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      assertThat(created.json().at("/session/backend").asString()).isEqualTo("k8s-test");
      var claims =
          cluster
              .createClient()
              .persistentVolumeClaims()
              .inNamespace("sessions")
              .withLabel("berth.session", "kw")
              .list()
              .getItems();
      assertThat(claims).hasSize(1);

      var receipt = berth.admin("DELETE", "/api/v1/sessions/kw", null);
      assertThat(receipt.status()).as(receipt.toString()).isEqualTo(200);
      assertThat(receipt.json().get("backend").asString()).isEqualTo("k8s-test");
      assertThat(receipt.text()).contains(claims.get(0).getMetadata().getName());
      assertThat(
              cluster
                  .createClient()
                  .persistentVolumeClaims()
                  .inNamespace("sessions")
                  .withLabel("berth.session", "kw")
                  .list()
                  .getItems())
          .isEmpty();
    }
  }

  @Test
  void theEndpointsSettingIsCheckedAtStartUpAndNamesItsValues() throws Exception {
    Files.writeString(
        home.resolve("berth.yaml"),
        "backend: local\nbackends:\n  k8s-odd: {kind: kubernetes, endpoints: nodeport}\n");
    assertThatThrownBy(() -> new TestServer(home, Map.of(), "local"))
        .hasMessageContaining(
            "backend 'k8s-odd': endpoints must be one of service, port-forward, auto, got"
                + " 'nodeport'");
  }
}
