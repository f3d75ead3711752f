package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.runtime.RuntimeSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opaque names on the shared network, without an engine. */
class DnsNamesTest {
  @Test
  void onTheSharedNetworkTheContainerNameSaysNothingOfTheSessionOrItsTemplate() {
    var dns = DnsNames.random();
    var names =
        DockerNames.generate(
            "berth", "jupyter", "alice-thesis", SessionNetworks.SHARED_NO_ICC, dns);
    assertThat(names.container())
        .matches("berth-session-[0-9a-f]{16}")
        .doesNotContain("alice")
        .doesNotContain("jupyter");
    assertThat(names.sharesDns("berth")).isTrue();
    assertThat(names.volume())
        .as("volumes are not seen through DNS")
        .isEqualTo("berth-jupyter-alice-thesis");
    assertThat(names.network()).isEqualTo("berth-net");
    assertThat(DockerNames.generate("berth", "jupyter", "alice-thesis").sharesDns("berth"))
        .as("alone on its network, a session keeps its name")
        .isFalse();
  }

  @Test
  void theSameKeyGivesTheSameNameAndAnotherKeyAnother() {
    var dns = DnsNames.random();
    assertThat(dns.container("b", "t", "s1")).isEqualTo(dns.container("b", "t", "s1"));
    assertThat(dns.container("b", "t", "s1")).isNotEqualTo(dns.container("b", "t", "s2"));
    assertThat(dns.container("b", "t", "s1")).isNotEqualTo(dns.container("b", "u", "s1"));
    assertThat(DnsNames.random().container("b", "t", "s1"))
        .isNotEqualTo(dns.container("b", "t", "s1"));
  }

  @Test
  void theKeyIsKeptInTheDataDirectoryForBerthsUserOnly(@TempDir Path home) throws Exception {
    Path dir = home.resolve("data");
    String first = DnsNames.keptIn(dir).container("b", "t", "s1");
    assertThat(DnsNames.keptIn(dir).container("b", "t", "s1")).isEqualTo(first);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(DnsNames.KEY_FILE))))
        .isEqualTo("rw-------");
  }

  @Test
  void onTheSharedNetworkTheHostnameIsTheOpaqueName() {
    var dns = DnsNames.random();
    var s = RuntimeSession.fresh(SessionId.of("alice"), Templates.plain("t"), Map.of());
    var names = DockerNames.generate("b", "t", "alice", SessionNetworks.SHARED_NO_ICC, dns);
    var spec =
        ContainerSpec.of(s, names, "img", Map.of(), SharedFiles.NONE, names.container(), true);
    assertThat(spec.hostname()).isEqualTo(names.container());
    assertThat(spec.envList()).contains("BERTH_SESSION_ID=alice");
  }
}
