package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.TestTemplates;
import dev.berth.template.Sandbox;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local backend cannot sandbox: a gVisor template is refused, never run unsandboxed. */
class LocalSandboxTest {
  @TempDir Path tmp;

  @Test
  void aGvisorTemplateIsRefusedInPreflightAndAtStart() {
    var runtime = new LocalRuntime(tmp.resolve("sessions"), "test-instance");
    var boxed = TestTemplates.plain("boxed").toBuilder().sandbox(Sandbox.GVISOR).build();
    var s = RuntimeSession.fresh(SessionId.generate(), boxed, Map.of());
    assertThat(runtime.preflight(s))
        .singleElement()
        .isInstanceOfSatisfying(
            PreflightProblem.SandboxUnavailable.class,
            p ->
                assertThat(p.message())
                    .contains("template 'boxed'")
                    .contains("local backend cannot sandbox")
                    .contains("Docker backend"));
    // A session prepared while its template was runc, edited to gvisor since: its start refuses.
    var plain = RuntimeSession.fresh(s.id(), TestTemplates.plain("boxed"), Map.of());
    var prepared = plain.withState(runtime.prepare(plain));
    var edited =
        new RuntimeSession(
            prepared.id(), prepared.handle(), boxed, prepared.labels(), prepared.state());
    assertThatThrownBy(() -> runtime.start(edited))
        .isInstanceOf(BerthException.class)
        .satisfies(
            e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
    assertThat(runtime.preflight(plain)).as("runc templates are fine").isEmpty();
    assertThat(runtime.inspect(edited))
        .as("nothing was started")
        .isInstanceOf(dev.berth.runtime.ObservedState.Prepared.class);
  }
}
