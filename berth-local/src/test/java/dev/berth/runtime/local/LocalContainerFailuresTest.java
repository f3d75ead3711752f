package dev.berth.runtime.local;

import static dev.berth.runtime.local.LocalSessions.alive;
import static dev.berth.runtime.local.LocalSessions.containers;
import static dev.berth.runtime.local.LocalSessions.create;
import static dev.berth.runtime.local.LocalSessions.exec;
import static dev.berth.runtime.local.LocalSessions.pid;
import static dev.berth.runtime.local.LocalSessions.processesOf;
import static dev.berth.runtime.local.LocalSessions.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.reconcile.ReconcileMetrics;
import dev.berth.reconcile.SessionReconciler;
import dev.berth.runtime.ContainerStatus.Phase;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.TestTemplates;
import dev.berth.service.TestServices;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import dev.berth.template.ContainerTemplateImage;
import dev.berth.template.SessionContainer;
import dev.berth.template.SessionContainers;
import dev.berth.template.Template;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What goes wrong with a local session's containers, and what is refused: a container that ends
 * during the start fails it naming the container, and the failed start leaves no process; a step
 * that ends with code 0 is done; a container that cannot start ends what the start started; a
 * read-only mount, a container on an image of its own ({@code image} or {@code template}), a port
 * two containers share, a port taken on the host and a command the host lacks are refused at create
 * with nothing made (and a start refuses an image too); a sub-path is the container's own folder.
 */
class LocalContainerFailuresTest {
  private static final String APP = "shell: \"echo $$ > app.pid; exec sleep 600\"\n";

  @TempDir Path home;
  @TempDir Path outside;

  private void template(String name, String yaml) throws Exception {
    LocalSessions.template(home, name, APP + yaml);
  }

  private static int freePort() throws Exception {
    try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * No process of the session is left: neither one that wrote its pid file (read from disk, as the
   * failed session's workspace may be refused) nor any carrying the session's marker. A process
   * ended by the failed start before its shell wrote the file is covered by the marker.
   */
  private void assertNoProcessLeft(TestServices t, String id, List<String> pidFiles)
      throws Exception {
    Path workspace = home.resolve("sessions").resolve(id).resolve("workspace");
    List<Long> pids = new java.util.ArrayList<>();
    for (String name : pidFiles) {
      Path file = workspace.resolve(name + ".pid");
      String text = Files.exists(file) ? Files.readString(file).strip() : "";
      if (!text.isEmpty()) {
        pids.add(Long.parseLong(text));
      }
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(pids).noneMatch(LocalSessions::alive);
              assertThat(processesOf("test", id)).isEmpty();
            });
  }

  /** The merger is meant to stay up and answer its probe; it ends with code 3 instead. */
  @Test
  void aContainerThatEndsDuringTheStartFailsItNamingItAndNothingIsLeftRunning() throws Exception {
    template(
        "broken",
        """
        containers:
          processor: {shell: "echo $$ > processor.pid; exec sleep 600"}
          merger:
            after: [processor]
            probe: {exec: [test, -f, never-there]}
            shell: "echo $$ > merger.pid; sleep 0.5; exit 3"
        """);
    try (var t = new TestServices(home)) {
      Session s = create(t, "broken-1", "broken", true);
      assertThat(s.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(s.statusReason()).contains("container 'merger' exited with code 3");
      assertNoProcessLeft(t, "broken-1", List.of("app", "processor", "merger"));
    }
  }

  @Test
  void aStepThatEndsWithCodeZeroIsDoneAndIsNotStartedAgain() throws Exception {
    template(
        "steps",
        """
        restart: {limit: 2, backoff: 100ms, maxBackoff: 200ms}
        containers:
          processor: {shell: "echo run >> step-runs; echo done > step.txt"}
          merger: {after: [processor], shell: "until [ -f step.txt ]; do sleep 0.1; done; exec sleep 600"}
        """);
    try (var t = new TestServices(home)) {
      assertThat(create(t, "steps-1", "steps", true).status()).isEqualTo(SessionStatus.RUNNING);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> containers(t, "steps-1").get("processor").phase() == Phase.EXITED);
      assertThat(containers(t, "steps-1").get("processor").exitCode()).hasValue(0);
      var reconciler = new SessionReconciler(t.service, ReconcileMetrics.NONE);
      for (int i = 0; i < 3; i++) {
        reconciler.reconcile(SessionId.of("steps-1"));
      }
      assertThat(t.service.get(SessionId.of("steps-1")).status()).isEqualTo(SessionStatus.RUNNING);
      assertThat(read(t, "steps-1", "step-runs"))
          .as("a finished step is left ended")
          .isEqualTo("run\n");
    }
  }

  @Test
  void aContainerThatCannotStartFailsTheStartNamingItAndEndsWhatItStarted() throws Exception {
    template(
        "escape",
        """
        containers:
          processor: {shell: "echo $$ > processor.pid; exec sleep 600"}
          writer: {after: [processor], workspace: {subPath: out}, shell: "exec sleep 600"}
        """);
    try (var t = new TestServices(home)) {
      create(t, "escape-1", "escape", false);
      // a link in the workspace that would lead the writer's folder out of it
      Files.createSymbolicLink(home.resolve("sessions/escape-1/workspace/out"), outside);
      Session s = t.service.start(SessionId.of("escape-1"));
      assertThat(s.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(s.statusReason())
          .contains(
              "container 'writer' (writer-escape-escape-1) of session 'escape-1' did not start")
          .contains("outside the workspace");
      assertNoProcessLeft(t, "escape-1", List.of("app", "processor"));
      try (var left = Files.list(outside)) {
        assertThat(left).isEmpty();
      }
    }
  }

  @Test
  void aSubPathIsTheContainersOwnFolderMadeWhenMissing() throws Exception {
    template(
        "sub",
        """
        containers:
          writer: {workspace: {subPath: out/deep}, shell: "pwd > where.txt; echo \\"$BERTH_WORKSPACE\\" >> where.txt; exec sleep 600"}
        """);
    try (var t = new TestServices(home)) {
      assertThat(create(t, "sub-1", "sub", true).status()).isEqualTo(SessionStatus.RUNNING);
      Path deep = home.resolve("sessions/sub-1/workspace/out/deep").toRealPath();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(read(t, "sub-1", "out/deep/where.txt"))
                      .isEqualTo(deep + "\n" + deep + "\n"));
      assertThat(exec(t, "sub-1", "writer", "ls")).isEqualTo("where.txt\n");
    }
  }

  @Test
  void whatTheLocalBackendCannotGiveIsRefusedAtCreateAndNothingIsMade() throws Exception {
    int port = freePort();
    template("ro", "containers:\n  checker: {workspace: {readOnly: true}}\n");
    template("twice", "containers:\n  a: {ports: [" + port + "]}\n  b: {ports: [" + port + "]}\n");
    template("nocmd", "containers:\n  tool: {command: [/nonexistent/tool]}\n");
    template("busy", "containers:\n  server: {ports: [" + port + "]}\n");
    template(
        "waits",
        "containers:\n  step: {shell: \"true\"}\n  merger: {after: {step: done}, shell: \"true\"}\n");
    try (var t = new TestServices(home);
        var holder = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(holder.isBound()).isTrue();
      refused(
          t,
          "ro",
          "container 'checker' of template 'ro' mounts the workspace read-only, which the local backend cannot enforce");
      refused(t, "twice", "containers 'a' and 'b' of template 'twice' both listen on port " + port);
      refused(
          t,
          "nocmd",
          "container 'tool' of template 'nocmd' runs /nonexistent/tool, which is not an executable file");
      refused(
          t,
          "busy",
          "container 'server' of template 'busy' listens on port "
              + port
              + ", which is taken on this host");
      refused(
          t,
          "waits",
          "container 'merger' of template 'waits' waits for 'step' to be done (after: {step:"
              + " done}), which the local backend does not do");
    }
  }

  /**
   * A container on an image of its own names programs and files the host does not have: the local
   * backend, which runs no images, refuses it rather than run the command on the host instead.
   */
  @Test
  void aContainerOnAnImageOfItsOwnIsRefusedAtCreateAndNothingIsMade() throws Exception {
    Path plugin = Files.createDirectories(home.resolve("templates/plugin-a"));
    Files.writeString(plugin.resolve("template.yaml"), "description: built by Berth\n");
    Files.writeString(plugin.resolve("Dockerfile"), "FROM scratch\n");
    template("built", "containers:\n  plugin: {template: plugin-a}\n");
    template("imaged", "containers:\n  plugin: {image: \"berth/plugin-a:1\"}\n");
    try (var t = new TestServices(home)) {
      assertThat(t.service.templates().find("built"))
          .as("the template loads: only the local backend refuses it")
          .isPresent();
      refused(
          t,
          "built",
          "container 'plugin' of template 'built' runs the image Berth builds from template"
              + " 'plugin-a' (template: plugin-a), and the local backend runs no images (its"
              + " containers are processes on this host): create the session on the docker"
              + " backend");
      refused(
          t,
          "imaged",
          "container 'plugin' of template 'imaged' runs the image 'berth/plugin-a:1' (image:"
              + " berth/plugin-a:1), and the local backend runs no images (its containers are"
              + " processes on this host): create the session on the docker or kubernetes"
              + " backend, or remove 'image'");
    }
  }

  /** A template edited to give a container an image after its session was made: not started. */
  @Test
  void aStartOfAContainerOnAnImageIsRefusedAndStartsNothing() {
    var runtime = new LocalRuntime(home.resolve("sessions"), "test");
    Template edited =
        TestTemplates.plain("edited").toBuilder()
            .containers(
                SessionContainers.ordered(
                    List.of(
                        SessionContainer.of("plugin", List.of("sleep", "600"))
                            .withTemplateImage(
                                Optional.of(
                                    new ContainerTemplateImage("plugin-a", Optional.empty()))))))
            .build();
    RuntimeSession fresh = RuntimeSession.fresh(SessionId.of("edited-1"), edited, Map.of());
    RuntimeSession s = fresh.withState(runtime.prepare(fresh));
    try {
      assertThatThrownBy(() -> runtime.start(s))
          .isInstanceOf(BerthException.class)
          .hasMessageContaining(
              "container 'plugin' of template 'edited' runs the image Berth builds")
          .satisfies(
              e ->
                  assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
      assertThat(processesOf("test", "edited-1")).isEmpty();
    } finally {
      runtime.destroy(s);
    }
  }

  private void refused(TestServices t, String template, String why) {
    assertThatThrownBy(() -> create(t, template + "-1", template, true))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining(why)
        .hasMessageContaining("nothing was made")
        .satisfies(
            e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
    assertThat(t.registry.sessions().find(SessionId.of(template + "-1"))).isEmpty();
    assertThat(home.resolve("sessions").resolve(template + "-1")).doesNotExist();
    assertThat(processesOf("test", template + "-1")).isEmpty();
  }

  @Test
  void aPortTakenWhenTheSessionStartsFailsTheStartNamingItAndNothingIsLeftRunning()
      throws Exception {
    int port = freePort();
    template(
        "later", "containers:\n  server: {ports: [" + port + "], shell: \"exec sleep 600\"}\n");
    try (var t = new TestServices(home)) {
      create(t, "later-1", "later", false);
      try (var holder = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(holder.isBound()).isTrue();
        Session s = t.service.start(SessionId.of("later-1"));
        assertThat(s.status()).isEqualTo(SessionStatus.FAILED);
        assertThat(s.statusReason())
            .contains(
                "container 'server' (server-later-later-1) of session 'later-1' did not start")
            .contains("listens on port " + port + ", which is taken on this host");
      }
      assertNoProcessLeft(t, "later-1", List.of("app"));
      assertThat(alive(pid(t, "later-1", "app"))).isFalse();
    }
  }
}
