package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ports;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.template.ResourceLimits;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure parts: names, labels and the container definition, without an engine. */
class ContainerSpecTest {
  private static final SessionId ID = SessionId.of("abc-123");

  private static RuntimeSession session(dev.berth.template.Template t) {
    return RuntimeSession.fresh(ID, t, Map.of("team", "x", DockerLabels.INSTANCE, "forged"));
  }

  @Test
  void namesFollowTheDesign() {
    var names = DockerNames.generate("berth", "jupyter", ID.value());
    assertThat(names)
        .isEqualTo(
            new DockerNames(
                "berth-session-jupyter-abc-123",
                "berth-jupyter-abc-123",
                "berth-net-jupyter-abc-123"));
  }

  @Test
  void persistedNamesWinOverANewPrefix() {
    RuntimeState state = DockerNames.generate("old", "t", ID.value()).into(RuntimeState.EMPTY);
    assertThat(
            DockerNames.of(
                    state, "new", "t", ID.value(), SessionNetworks.PER_SESSION, DnsNames.random())
                .container())
        .isEqualTo("old-session-t-abc-123");
    assertThat(
            DockerNames.of(
                    RuntimeState.EMPTY,
                    "new",
                    "t",
                    ID.value(),
                    SessionNetworks.SHARED_NO_ICC,
                    DnsNames.random())
                .volume())
        .isEqualTo("new-t-abc-123");
  }

  @Test
  void prefixesAreChecked() {
    DockerNames.checkPrefix("bt0123456789");
    for (String bad : List.of("", "Berth", "9lives", "bt-x", "abcdefghijklm")) {
      assertThatThrownBy(() -> DockerNames.checkPrefix(bad))
          .isInstanceOf(BerthException.class)
          .hasMessageContaining(bad);
    }
  }

  @Test
  void berthLabelsCannotBeOverriddenByTheCaller() {
    var labels = DockerLabels.of(session(Templates.plain("t")), DockerLabels.TYPE_SESSION, "inst");
    assertThat(labels)
        .containsEntry("team", "x")
        .containsEntry(DockerLabels.SESSION, "abc-123")
        .containsEntry(DockerLabels.TEMPLATE, "t")
        .containsEntry(DockerLabels.TYPE, "session")
        .containsEntry(DockerLabels.INSTANCE, "inst");
  }

  @Test
  void aTemplateWithoutAppOrImageKeepsTheContainerAlive() {
    var s = session(Templates.plain("t"));
    var spec =
        ContainerSpec.of(
            s, DockerNames.generate("b", "t", ID.value()), "b/default:latest", Map.of());
    assertThat(spec.command()).isEqualTo(ContainerSpec.KEEP_ALIVE);

    var withImage =
        Templates.of(
            "t", Optional.of("img:1"), List.of(), List.of(), ResourceLimits.NONE, List.of());
    assertThat(
            ContainerSpec.of(
                    session(withImage),
                    DockerNames.generate("b", "t", ID.value()),
                    "img:1",
                    Map.of())
                .command())
        .as("an image of its own keeps its CMD")
        .isEmpty();
  }

  @Test
  void hardeningLimitsPortsAndTheVolumeAreAlwaysApplied() {
    var t =
        Templates.of(
            "t",
            Optional.empty(),
            List.of("app", "--serve"),
            List.of(8080, 9000),
            new ResourceLimits(1.5, 256L << 20, 100),
            List.of("net_bind_service", "CAP_CHOWN"));
    var spec =
        ContainerSpec.of(
            session(t), DockerNames.generate("b", "t", ID.value()), "img", Map.of("k", "v"));
    var host = spec.hostConfig();

    assertThat(host.getInit()).isTrue();
    assertThat(host.getPrivileged()).isFalse();
    assertThat(host.getCapDrop()).containsExactly(Capability.ALL);
    assertThat(host.getCapAdd()).containsExactly(Capability.NET_BIND_SERVICE, Capability.CHOWN);
    assertThat(host.getSecurityOpts()).containsExactly("no-new-privileges");
    assertThat(host.getNanoCPUs()).isEqualTo(1_500_000_000L);
    assertThat(host.getMemory()).isEqualTo(256L << 20);
    assertThat(host.getPidsLimit()).isEqualTo(100L);
    assertThat(host.getNetworkMode()).isEqualTo("b-net-t-abc-123");
    assertThat(host.getMounts())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getType()).isEqualTo(MountType.VOLUME);
              assertThat(m.getSource()).isEqualTo("b-t-abc-123");
              assertThat(m.getTarget()).isEqualTo("/workspace");
            });
    assertThat(host.getBinds())
        .as("never a bind mount, so never the Docker socket")
        .isNullOrEmpty();
    Map<ExposedPort, Ports.Binding[]> bindings = host.getPortBindings().getBindings();
    assertThat(bindings).containsOnlyKeys(ExposedPort.tcp(8080), ExposedPort.tcp(9000));
    assertThat(bindings.get(ExposedPort.tcp(8080)))
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.getHostIp()).isEqualTo("127.0.0.1");
              assertThat(b.getHostPortSpec()).as("ephemeral").isNull();
            });
    assertThat(spec.envList())
        .contains(
            "BERTH_SESSION_ID=abc-123",
            "BERTH_WORKSPACE=/workspace",
            "PORT=8080",
            "BERTH_TEST=yes");
    assertThat(spec.command()).containsExactly("app", "--serve");
  }

  @Test
  void noLimitMeansNoLimitField() {
    var spec =
        ContainerSpec.of(
            session(Templates.plain("t")),
            DockerNames.generate("b", "t", ID.value()),
            "img",
            Map.of());
    var host = spec.hostConfig();
    assertThat(host.getMemory()).isNull();
    assertThat(host.getNanoCPUs()).isNull();
    assertThat(host.getPidsLimit()).isNull();
    assertThat(host.getCapAdd()).isNull();
    assertThat(host.getPortBindings()).isNull();
  }

  @Test
  void unknownCapabilitiesAreRefused() {
    for (String bad : List.of("ALL", "NOT_A_CAP")) {
      assertThatThrownBy(() -> ContainerSpec.capability(bad))
          .isInstanceOf(BerthException.class)
          .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }
  }

  @Test
  void archiveEntriesAreRenamedFromTheEngineBaseToTheAskedOne() {
    assertThat(dev.berth.runtime.TarEntries.rename("workspace/", "workspace", "")).isEmpty();
    assertThat(dev.berth.runtime.TarEntries.rename("workspace/a/b.txt", "workspace", ""))
        .isEqualTo("a/b.txt");
    assertThat(dev.berth.runtime.TarEntries.rename("real/", "real", "alias")).isEqualTo("alias/");
    assertThat(dev.berth.runtime.TarEntries.rename("real/x", "real", "alias")).isEqualTo("alias/x");
  }

  private static dev.berth.template.Template built(String name) {
    return Templates.plain(name).toBuilder()
        .build(
            new dev.berth.template.ImageBuild(
                "base",
                java.nio.file.Path.of("/t/base"),
                "Dockerfile",
                Map.of(),
                Map.of(),
                Optional.empty()))
        .build();
  }

  @Test
  void aBuiltImageRunsItsOwnCmd() {
    var spec =
        ContainerSpec.of(
            session(built("t")),
            DockerNames.generate("b", "t", ID.value()),
            "b/base:latest",
            Map.of());
    assertThat(spec.command()).isEmpty();
  }

  @Test
  void sharedFilesAreABindMountThatIsReadOnly() {
    var shared = new SharedFiles(Optional.of(java.nio.file.Path.of("/srv/shared")), "/files");
    var spec =
        ContainerSpec.of(
            session(Templates.plain("t")),
            DockerNames.generate("b", "t", ID.value()),
            "img",
            Map.of(),
            shared);
    var mounts = spec.hostConfig().getMounts();
    assertThat(mounts).hasSize(2);
    assertThat(mounts.get(0).getType()).isEqualTo(MountType.VOLUME);
    var files = mounts.get(1);
    assertThat(files.getType()).isEqualTo(MountType.BIND);
    assertThat(files.getSource()).isEqualTo("/srv/shared");
    assertThat(files.getTarget()).isEqualTo("/files");
    assertThat(files.getReadOnly()).isTrue();
    assertThat(spec.env()).containsEntry("BERTH_FILES", "/files");

    var none =
        ContainerSpec.of(
            session(Templates.plain("t")),
            DockerNames.generate("b", "t", ID.value()),
            "img",
            Map.of());
    assertThat(none.hostConfig().getMounts()).hasSize(1);
    assertThat(none.env()).doesNotContainKey("BERTH_FILES");
  }

  @Test
  void theTemplateVolumeIsAReadOnlyVolumeMount() {
    var spec =
        ContainerSpec.of(
                session(Templates.plain("t")),
                DockerNames.generate("b", "t", ID.value()),
                "img",
                Map.of())
            .withTemplateVolume(
                Optional.of(new TemplateVolumes.Mounted("b-t-0123456789ab", "/template")));
    var mounts = spec.hostConfig().getMounts();
    assertThat(mounts).hasSize(2);
    var files = mounts.get(1);
    assertThat(files.getType()).isEqualTo(MountType.VOLUME);
    assertThat(files.getSource()).isEqualTo("b-t-0123456789ab");
    assertThat(files.getTarget()).isEqualTo("/template");
    assertThat(files.getReadOnly()).isTrue();
    assertThat(files.getVolumeOptions().getNoCopy()).isTrue();
    assertThat(spec.env()).containsEntry("BERTH_TEMPLATE_FILES", "/template");
    assertThat(TemplateVolumes.name("b", "t", "0123456789abcdef"))
        .as("no session part: every session of the template shares it")
        .isEqualTo("b-t-0123456789ab");
  }

  @Test
  void sharedFilesMayNotOverlapTheWorkspace() {
    var shared = new SharedFiles(Optional.of(java.nio.file.Path.of("/srv")), "/workspace/data");
    assertThatThrownBy(
            () ->
                ContainerSpec.of(
                    session(Templates.plain("t")),
                    DockerNames.generate("b", "t", ID.value()),
                    "img",
                    Map.of(),
                    shared))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining(
            "its workspace /workspace and the shared files mount /workspace/data overlap");
    assertThatThrownBy(() -> new SharedFiles(Optional.empty(), "files"))
        .hasMessageContaining("must be an absolute path");
  }
}
