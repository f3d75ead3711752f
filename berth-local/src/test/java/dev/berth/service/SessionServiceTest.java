package dev.berth.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.SessionId;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.CreatedSession;
import dev.berth.session.ExecCommand;
import dev.berth.session.Session;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionEvent;
import dev.berth.session.SessionStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service on real processes (the local backend): probes against a real app, a real app's
 * failure and output, files kept across stop and start, a second manager over the same registry.
 * The rules that need no real process run on the fake runtime in core (SessionRulesLogicTest,
 * SessionLifecycleLogicTest).
 */
class SessionServiceTest {
  @TempDir Path home;

  private void template(String name, String yaml) throws IOException {
    Path dir = Files.createDirectories(home.resolve("templates").resolve(name));
    Files.writeString(dir.resolve("template.yaml"), yaml);
  }

  private static CreateSessionRequest request(String id, String template) {
    return new CreateSessionRequest(
        Optional.ofNullable(id).map(SessionId::of),
        Optional.ofNullable(template),
        Optional.empty(),
        Map.of(),
        true);
  }

  @Test
  void aBareCreateRunsAndDeleteGivesAReceipt() {
    try (var t = new TestServices(home)) {
      CreatedSession created = t.service.create(request(null, null));
      Session s = created.session();
      assertThat(s.status()).isEqualTo(SessionStatus.RUNNING);
      assertThat(s.template()).isEqualTo("default");
      assertThat(created.token()).startsWith("berth_s_");
      assertThat(t.tokens.authenticate(created.token()).canAccess(s.id())).isTrue();

      SessionCleanupReceipt receipt = t.service.delete(s.id());
      assertThat(receipt.complete()).isTrue();
      assertThat(receipt.removed()).extracting(r -> r.kind()).contains("directory");
      assertThat(Files.exists(home.resolve("sessions").resolve(s.id().value()))).isFalse();
      assertThatThrownBy(() -> t.service.get(s.id())).hasMessageContaining("no session");
      assertThatThrownBy(() -> t.tokens.authenticate(created.token()))
          .as("a deleted session's token stops working")
          .hasMessageContaining("not valid");

      SessionCleanupReceipt again = t.service.delete(s.id());
      assertThat(again.nothingLeft()).isTrue();
      assertThat(t.service.events(s.id(), 0, 100))
          .extracting(SessionEvent::type)
          .contains("status", "cleanup");
    }
  }

  @Test
  void anAppIsRunningOnlyOnceItsProbeAnswers() throws Exception {
    template(
        "web",
        """
        shell: exec python3 -m http.server --bind 127.0.0.1 "$PORT"
        ports: [8000]
        probe: {http: /, port: 8000, startTimeout: 30s}
        """);
    try (var t = new TestServices(home)) {
      Session s = t.service.create(request("web1", "web")).session();
      assertThat(s.status()).as(s.statusReason()).isEqualTo(SessionStatus.RUNNING);
      String url = s.endpoints().get(8000);
      assertThat(url).startsWith("http://127.0.0.1:");
      t.service
          .workspace()
          .writeFile(s.id(), "hello.txt", new ByteArrayInputStream("hi".getBytes(UTF_8)));
      var response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url + "hello.txt")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).isEqualTo("hi");
    }
  }

  @Test
  void anAppThatCannotStartIsFailedWithTheReasonAndItsOutput() throws IOException {
    template(
        "broken", "shell: echo 'missing config' >&2; exit 4\nports: [8000]\nprobe: {tcp: 8000}\n");
    try (var t = new TestServices(home)) {
      Session s = t.service.create(request("broken1", "broken")).session();
      assertThat(s.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(s.statusReason()).contains("exited with code 4");
      assertThat(t.service.events(s.id(), 0, 100))
          .anySatisfy(e -> assertThat(e.data()).contains("missing config"));
      assertThat(t.service.delete(s.id()).complete()).isTrue();
    }
  }

  @Test
  void stopAndStartKeepTheWorkspaceAndExecNeedsARunningSession() {
    try (var t = new TestServices(home)) {
      SessionId id = t.service.create(request("keep", null)).session().id();
      t.service
          .workspace()
          .writeFile(id, "notes.txt", new ByteArrayInputStream("kept".getBytes(UTF_8)));
      assertThat(t.service.stop(id).status()).isEqualTo(SessionStatus.STOPPED);
      assertThat(t.service.stop(id).status())
          .as("stop is idempotent")
          .isEqualTo(SessionStatus.STOPPED);
      assertThatThrownBy(
              () ->
                  t.service
                      .workspace()
                      .exec(
                          id,
                          new ExecCommand(
                              List.of("true"), Optional.empty(), Map.of(), null, Optional.empty())))
          .hasMessageContaining("STOPPED");
      assertThat(t.service.start(id).status()).isEqualTo(SessionStatus.RUNNING);
      assertThat(new String(t.service.workspace().readFile(id, "notes.txt"), UTF_8))
          .isEqualTo("kept");
    }
  }

  @Test
  void afterARestartADeadAppIsFailedWithTheReasonThenRestartedAndALiveOneIsLeftRunning()
      throws Exception {
    template("sleeper", "command: [sleep, '600']\n");
    long pid;
    var first = new TestServices(home);
    first.service.create(request("alive", "sleeper"));
    Session doomed0 = first.service.create(request("doomed", "sleeper")).session();
    pid = Long.parseLong(doomed0.runtimeState().get("pid"));
    first.registry.close(); // the manager goes away without stopping anything
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());

    try (var second = new TestServices(home)) {
      second.reconcileAll();
      Session doomed = second.service.get(SessionId.of("doomed"));
      assertThat(doomed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(doomed.statusReason()).contains("has ended", "restart 1 of 5 in 1 s");
      assertThat(doomed.lifecycle().nextRestartAt()).isPresent();
      assertThat(second.service.get(SessionId.of("alive")).status())
          .isEqualTo(SessionStatus.RUNNING);

      // once the backoff has passed, the next pass restarts it on the same workspace
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(20))
          .pollInterval(java.time.Duration.ofMillis(200))
          .until(
              () -> {
                second.reconcileAll();
                return second.service.get(SessionId.of("doomed")).status() == SessionStatus.RUNNING;
              });
      Session back = second.service.get(SessionId.of("doomed"));
      assertThat(back.lifecycle().restarts()).isEqualTo(1);
      assertThat(back.runtimeState().get("pid")).isNotEqualTo(Long.toString(pid));
      assertThat(second.service.events(back.id(), 0, 100))
          .extracting(SessionEvent::type)
          .contains("restart");
    }
  }
}
