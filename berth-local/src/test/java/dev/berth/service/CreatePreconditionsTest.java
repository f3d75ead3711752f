package dev.berth.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.registry.SessionFilter;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.SessionStatus;
import dev.berth.template.HealthProbe;
import dev.berth.template.Template;
import dev.berth.template.TemplateCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the local backend (real processes), a create that cannot work is refused before anything is
 * made: a template whose probe port is not among its ports (made in code, so the loader's rule
 * never saw it), and a command the host does not have. Nothing is left under the id (no registry
 * row, token, event, session directory), and the same id works with a template that can.
 */
class CreatePreconditionsTest {
  @TempDir Path home;

  private static Template app(String name, List<String> command, int port, int probePort) {
    var t = Template.builder(name).build();
    return t.toBuilder()
        .app(
            t.app()
                .withCommand(command)
                .withPorts(List.of(port))
                .withProbe(Optional.of(new HealthProbe.Tcp(probePort, Duration.ofSeconds(10)))))
        .build();
  }

  private static CreateSessionRequest request(String id, String template) {
    return new CreateSessionRequest(
        Optional.of(SessionId.of(id)), Optional.of(template), Optional.empty(), Map.of(), true);
  }

  private static void assertNothingUnder(TestServices t, String id) throws Exception {
    SessionId sid = SessionId.of(id);
    assertThat(t.registry.sessions().find(sid)).as("registry row").isEmpty();
    assertThat(t.registry.events().of(sid, 0, 100)).as("events").isEmpty();
    assertThat(t.registry.sessions().list(SessionFilter.ALL_LIVE)).isEmpty();
    Path sessions = t.home.resolve("sessions");
    if (Files.isDirectory(sessions)) {
      try (Stream<Path> left = Files.list(sessions)) {
        assertThat(left.toList()).as("session directories").isEmpty();
      }
    }
  }

  @Test
  void aProbePortNotAmongThePortsIsRefusedAndTheIdWorksWithAFixedTemplate() throws Exception {
    String python =
        "import http.server as h; h.HTTPServer(('127.0.0.1', int(__import__('os')"
            + ".environ['PORT'])), h.SimpleHTTPRequestHandler).serve_forever()";
    var wrong = app("wrong", List.of("python3", "-c", python), 8000, 8888);
    var right = app("right", List.of("python3", "-c", python), 8000, 8000);
    var catalog = new TemplateCatalog(Map.of("wrong", wrong, "right", right));
    try (var t = new TestServices(home, catalog)) {
      assertThatThrownBy(() -> t.service.create(request("pp1", "wrong")))
          .isInstanceOf(BerthException.class)
          .satisfies(
              e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.PRECONDITION_FAILED))
          .hasMessageContaining("template 'wrong' probes port 8888")
          .hasMessageContaining("not among its ports [8000]")
          .hasMessageContaining("add 8888 to 'ports'");
      assertNothingUnder(t, "pp1");
      var created = t.service.create(request("pp1", "right"));
      assertThat(created.session().status()).isEqualTo(SessionStatus.RUNNING);
      assertThat(t.tokens.authenticate(created.token()).canAccess(SessionId.of("pp1"))).isTrue();
    }
  }

  @Test
  void aCommandTheHostDoesNotHaveIsRefusedBeforeAnythingIsMade() throws Exception {
    var missing = app("missing", List.of("berth-no-such-program-xyz", "--serve"), 8000, 8000);
    var absolute = app("absolute", List.of("/opt/berth/no/such/jupyter"), 8000, 8000);
    var sleeper = Template.builder("sleeper").build();
    sleeper = sleeper.toBuilder().app(sleeper.app().withCommand(List.of("sleep", "600"))).build();
    var catalog =
        new TemplateCatalog(Map.of("missing", missing, "absolute", absolute, "sleeper", sleeper));
    try (var t = new TestServices(home, catalog)) {
      assertThatThrownBy(() -> t.service.create(request("cm1", "missing")))
          .isInstanceOf(BerthException.class)
          .hasMessageContaining("berth-no-such-program-xyz, which is not found on the PATH")
          .hasMessageContaining("on local");
      assertThatThrownBy(() -> t.service.create(request("cm1", "absolute")))
          .isInstanceOf(BerthException.class)
          .hasMessageContaining("/opt/berth/no/such/jupyter, which is not an executable file");
      assertNothingUnder(t, "cm1");
      assertThat(t.service.create(request("cm1", "sleeper")).session().status())
          .isEqualTo(SessionStatus.RUNNING);
    }
  }
}
