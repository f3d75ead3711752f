package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.OwnedResource;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Destroy with receipts, neighbours, strangers, partial failures and orphans. */
class DockerCleanupTest extends DockerTestBase {

  /** A container Berth did not make: no labels, Berth's busybox image, kept running. */
  private String foreignContainer(String name, HostConfig host) {
    String image = runtime.defaultImageReference();
    String id =
        engine
            .client
            .createContainerCmd(image)
            .withName(name)
            .withCmd("sleep", "infinity")
            .withHostConfig(host.withInit(true))
            .exec()
            .getId();
    engine.client.startContainerCmd(id).exec();
    return id;
  }

  private static boolean containerExists(String name) {
    try {
      engine.client.inspectContainerCmd(name).exec();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean volumeExists(String name) {
    try {
      engine.client.inspectVolumeCmd(name).exec();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Test
  void destroyRemovesOneSessionAndLeavesNeighboursAndStrangersAlone() {
    RuntimeSession a = started(Templates.plain("plain"));
    RuntimeSession b = started(Templates.plain("plain"));
    write(b, "mine.txt", "b's data");
    String id = a.id().value();
    // strangers whose names contain the session id, one even with Berth's naming pattern
    String stranger = prefix + "-stranger-" + id;
    String lookalike = prefix + "-session-other-" + id;
    foreignContainer(stranger, HostConfig.newHostConfig());
    foreignContainer(lookalike, HostConfig.newHostConfig());
    String strangerVolume = prefix + "-plain-" + id + "-backup";
    engine.client.createVolumeCmd().withName(strangerVolume).exec();
    // a resource with the session's label but another Berth installation's
    String otherInstance = prefix + "-other-install-" + id;
    engine
        .client
        .createVolumeCmd()
        .withName(otherInstance)
        .withLabels(Map.of(DockerLabels.SESSION, id, DockerLabels.INSTANCE, "another-installation"))
        .exec();

    CleanupReport report = runtime.destroy(a);

    assertThat(report.failed()).isEmpty();
    assertThat(report.removed())
        .extracting(CleanupReport.RemovedResource::kind, CleanupReport.RemovedResource::name)
        .containsExactlyInAnyOrder(
            tuple("container", a.state().get("container")),
            tuple("network", a.state().get("network")),
            tuple("volume", a.state().get("volume")));
    assertThat(runtime.inspect(a)).isInstanceOf(ObservedState.Missing.class);
    assertThat(runtime.inspect(b)).isInstanceOf(ObservedState.Running.class);
    assertThat(read(b, "mine.txt")).isEqualTo("b's data");
    assertThat(containerExists(stranger)).isTrue();
    assertThat(containerExists(lookalike)).isTrue();
    assertThat(volumeExists(strangerVolume)).isTrue();
    assertThat(volumeExists(otherInstance)).isTrue();

    CleanupReport again = runtime.destroy(a);
    assertThat(again.removed()).isEmpty();
    assertThat(again.failed()).isEmpty();
  }

  @Test
  void aPartialFailureIsReportedWithDockersReasonAndARetryFinishes() {
    RuntimeSession s = prepared(Templates.plain("plain"));
    String volume = s.state().get("volume");
    String holder = prefix + "-holder-" + s.id().value();
    String holderId =
        foreignContainer(
            holder,
            HostConfig.newHostConfig()
                .withMounts(
                    List.of(
                        new Mount()
                            .withType(MountType.VOLUME)
                            .withSource(volume)
                            .withTarget("/held"))));

    CleanupReport first = runtime.destroy(s);
    assertThat(first.complete()).isFalse();
    assertThat(first.removed())
        .extracting(CleanupReport.RemovedResource::kind)
        .containsExactlyInAnyOrder("container", "network");
    assertThat(first.failed())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo("volume");
              assertThat(f.name()).isEqualTo(volume);
              assertThat(f.reason()).contains("in use");
            });
    assertThat(containerExists(holder)).as("the foreign holder is not Berth's to remove").isTrue();

    engine.client.removeContainerCmd(holderId).withForce(true).exec();
    CleanupReport second = runtime.destroy(s);
    assertThat(second.failed()).isEmpty();
    assertThat(second.removed())
        .extracting(CleanupReport.RemovedResource::kind, CleanupReport.RemovedResource::name)
        .containsExactly(tuple("volume", volume));
  }

  @Test
  void destroyFindsResourcesByLabelsAndNamesWhenTheStateWasNeverSaved() {
    RuntimeSession s = prepared(Templates.plain("plain"));
    // as if the manager crashed before persisting prepare's state
    RuntimeSession lost =
        new RuntimeSession(s.id(), s.handle(), s.template(), Map.of(), RuntimeState.EMPTY);
    CleanupReport report = runtime.destroy(lost);
    assertThat(report.complete()).isTrue();
    assertThat(report.removed()).hasSize(3);
    assertThat(runtime.listOwned()).noneMatch(r -> r.handle().equals(s.id().value()));
  }

  @Test
  void takenNamesAreAConflictNotATakeover() {
    SessionId id = SessionId.generate();
    var template = Templates.plain("plain");
    var names = DockerNames.generate(prefix, "plain", id.value());
    foreignContainer(names.container(), HostConfig.newHostConfig());
    RuntimeSession s = track(RuntimeSession.fresh(id, template, Map.of()));
    assertCode(() -> runtime.prepare(s), ErrorCode.CONFLICT);
    assertThat(containerExists(names.container())).isTrue();
    // destroy of the session leaves the stranger with "our" name alone
    runtime.destroy(s);
    assertThat(containerExists(names.container())).isTrue();

    SessionId id2 = SessionId.generate();
    engine
        .client
        .createVolumeCmd()
        .withName(DockerNames.generate(prefix, "plain", id2.value()).volume())
        .exec();
    RuntimeSession s2 = track(RuntimeSession.fresh(id2, template, Map.of()));
    assertCode(() -> runtime.prepare(s2), ErrorCode.CONFLICT);
  }

  @Test
  void listOwnedReportsEveryResourceOfThisInstanceOnly() {
    RuntimeSession a = prepared(Templates.plain("plain"));
    RuntimeSession b = started(Templates.web("web", 8080));
    List<OwnedResource> owned = runtime.listOwned();
    assertThat(owned)
        .filteredOn(r -> r.handle().equals(a.id().value()))
        .extracting(OwnedResource::kind, OwnedResource::name)
        .containsExactlyInAnyOrder(
            tuple("container", a.state().get("container")),
            tuple("volume", a.state().get("volume")),
            tuple("network", a.state().get("network")));
    assertThat(owned)
        .filteredOn(r -> r.handle().equals(b.id().value()))
        .hasSize(3)
        .allSatisfy(
            r -> {
              assertThat(r.template()).isEqualTo("web");
              assertThat(r.instance()).isEqualTo(instance());
              assertThat(r.createdAt()).isPresent();
            });
    try (var other = new DockerRuntime((String) null, prefix, "someone-else")) {
      assertThat(other.listOwned())
          .noneMatch(r -> r.handle().equals(a.id().value()))
          .noneMatch(r -> r.handle().equals(b.id().value()));
    }
  }
}
