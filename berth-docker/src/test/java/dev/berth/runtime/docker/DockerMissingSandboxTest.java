package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeSession;
import dev.berth.template.Sandbox;
import dev.berth.template.Template;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gVisor template on an engine without the runtime it names (here: a runtime name no engine has):
 * the backend's preflight says what is missing and how to add it, and a prepare or start that was
 * not preflighted refuses before it makes a volume, network or container.
 */
class DockerMissingSandboxTest extends DockerTestBase {
  private static final String MISSING = "berth-no-such-runtime";
  private DockerRuntime lacking;

  @BeforeEach
  void openARuntimeThatNamesAMissingRuntime() {
    lacking =
        new DockerRuntime(
                DockerEngine.connect(null),
                prefix,
                instance(),
                DefaultImage.HOST_BUSYBOX,
                SessionNetworks.PER_SESSION)
            .useGvisorRuntime(MISSING);
  }

  @AfterEach
  void closeIt() {
    lacking.close();
  }

  private static Template boxed() {
    return Templates.plain("boxed").toBuilder().sandbox(Sandbox.GVISOR).build();
  }

  @Test
  void preflightNamesTheMissingRuntimeAndHowToAddIt() {
    var s = RuntimeSession.fresh(SessionId.generate(), boxed(), Map.of());
    assertThat(lacking.preflight(s))
        .singleElement()
        .isInstanceOfSatisfying(
            PreflightProblem.SandboxUnavailable.class,
            p -> {
              assertThat(p.sandbox()).isEqualTo("gvisor");
              assertThat(p.message())
                  .contains("template 'boxed'")
                  .contains("'" + MISSING + "'")
                  .contains("/etc/docker/daemon.json")
                  .contains("\"runtimeArgs\": [\"--network=host\"]")
                  .contains("kill -HUP $(pidof dockerd)");
            });
    assertThat(
            lacking.preflight(
                RuntimeSession.fresh(SessionId.generate(), Templates.plain("p"), Map.of())))
        .as("a runc template is fine on the same engine")
        .isEmpty();
  }

  @Test
  void aPrepareOrStartThatWasNotPreflightedMakesNothing() {
    var s = RuntimeSession.fresh(SessionId.generate(), boxed(), Map.of());
    assertCode(() -> lacking.prepare(s), ErrorCode.PRECONDITION_FAILED);
    assertCode(() -> lacking.start(s), ErrorCode.PRECONDITION_FAILED);
    assertThat(lacking.listOwned(s.handle())).as("volumes, networks, containers").isEmpty();
    assertThat(engine.client.listContainersCmd().withShowAll(true).exec())
        .noneSatisfy(c -> assertThat(String.join(",", c.getNames())).contains(s.id().value()));
  }
}
