package dev.berth.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.OwnerOnly;
import dev.berth.base.SessionId;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SpoolTars;
import dev.berth.runtime.SpoolWatch;
import dev.berth.runtime.TestTemplates;
import dev.berth.runtime.WorkspacePath;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager's side of Kubernetes file and archive calls (a write held until it is known to fit, a
 * caller's archive while it is checked) is spooled in the directory the backend was given ({@code
 * kubernetes} options' spool directory: the data directory's {@code tmp} in a server), owner-only,
 * and removed after the call. Against fabric8's mock API server with the {@link KubeletStandIn}
 * answering exec, as in the contract suite.
 */
@ExtendWith(DockerForStandIn.class)
class KubernetesSpoolDirTest {
  static final String NAMESPACE = "berth-spool";
  static MockCluster cluster;
  static KubeletStandIn kubelet;
  static String image;
  static String tag;
  @TempDir static Path imageContext;
  @TempDir Path home;

  @BeforeAll
  static void startCluster() throws Exception {
    image = KubeletStandIn.buildImage(imageContext);
    cluster = new MockCluster();
    tag = "berthk8s" + Long.toString(new SecureRandom().nextLong() & 0xffffffL, 36);
    kubelet = new KubeletStandIn(cluster, NAMESPACE, tag);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      kubelet.close();
      cluster.close();
    }
  }

  @Test
  void writesAndArchivesSpoolInTheGivenDirectoryOwnerOnlyAndLeaveNothingThere() throws Exception {
    Path tmp = OwnerOnly.directory(home.resolve("tmp"));
    var runtime =
        new KubernetesRuntime(
            cluster.client,
            KubernetesOptions.defaults(NAMESPACE, "bt", "test-" + tag)
                .withDefaultImage(image)
                .withSpoolDir(tmp));
    var template =
        TestTemplates.with(
            "spool", Optional.empty(), List.of(), List.of(), Optional.empty(), Optional.empty());
    RuntimeSession fresh = RuntimeSession.fresh(SessionId.generate(), template, Map.of());
    RuntimeSession s = fresh.withState(runtime.prepare(fresh));
    try {
      s = s.withState(runtime.start(s).state());
      var files = runtime.workspace(s);
      try (var watch = new SpoolWatch(tmp)) {
        files.writeFile(
            WorkspacePath.parse("written.txt"),
            watch.observing(new ByteArrayInputStream("by write".getBytes(UTF_8))),
            1 << 20);
        files.putArchive(
            WorkspacePath.parse("unpacked"),
            watch.observing(new ByteArrayInputStream(SpoolTars.oneFile("a.txt", "by archive"))));

        watch.awaitCreated(List.of("berth-k8s-write-", ".berth-archive-"));
        assertThat(watch.modesWhileReading())
            .as("the spool files that held the caller's bytes")
            .hasSize(2)
            .allSatisfy((name, mode) -> assertThat(mode).isEqualTo("rw-------"));
        assertThat(watch.left()).as("nothing is left after the calls").isEmpty();
      }
      assertThat(files.readFile(WorkspacePath.parse("written.txt"), 1 << 20))
          .asString(UTF_8)
          .isEqualTo("by write");
      assertThat(files.readFile(WorkspacePath.parse("unpacked/a.txt"), 1 << 20))
          .asString(UTF_8)
          .isEqualTo("by archive");
    } finally {
      runtime.destroy(s);
    }
  }
}
