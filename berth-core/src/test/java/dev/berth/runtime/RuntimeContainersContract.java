package dev.berth.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.template.SessionContainer;
import dev.berth.template.SessionContainers;
import dev.berth.template.Template;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every backend with {@link Ability#CONTAINERS} must show for sessions of several typed
 * containers (a template's {@code containers:}), run against each such backend by a subclass: one
 * workspace shared by all of them, each reachable by its type, exec, logs and started processes per
 * container (the last on backends with {@link Ability#PROCESSES}), a read-only mount that refuses
 * writes, unknown types refused, and nothing left after a destroy. Commands are busybox's: sh,
 * echo, cat, tr, nc, httpd, sleep.
 */
public abstract class RuntimeContainersContract {
  /** Where the plugin serves the workspace, for the reach-by-type case. */
  protected static final int PLUGIN_PORT = 8081;

  @TempDir protected Path tmp;
  private final List<RuntimeSession> made = new ArrayList<>();

  /** The runtime under test; the same instance across one test. */
  protected abstract SessionRuntime runtime();

  /** A single-container template for this backend (its image, say), to add containers to. */
  protected abstract Template template(String name);

  /**
   * Whether the backend mounts the workspace read-only where a container asks for it. One that
   * cannot (the local backend, whose containers are processes of one user) refuses such templates
   * instead: the checker then mounts it read-write, and the read-only case is skipped.
   */
  protected boolean mountsReadOnly() {
    return true;
  }

  /**
   * The host and port, as {@code nc} takes them in a container's shell, at which the session's
   * other containers reach {@code type}'s {@code port}: by its type name (the default), or, on a
   * backend without names for them (local), what it tells them instead.
   */
  protected String reach(String type, int port) {
    return type + " " + port;
  }

  private static List<String> sh(String line) {
    return List.of("/bin/sh", "-c", line);
  }

  /**
   * A processor writes {@code in.txt}; a plugin, once it is there, writes it in upper case to
   * {@code out.txt} and serves the workspace on {@link #PLUGIN_PORT}; a merger, once that is there,
   * writes {@code result.txt}; a checker mounts the workspace read-only. Each waits for its input,
   * so only the files tell the order.
   */
  protected Template pipeline() {
    return template("pipeline").toBuilder()
        .containers(
            SessionContainers.ordered(
                List.of(
                    SessionContainer.of(
                        "processor",
                        sh(
                            "echo processing; echo 'hello pipeline' > in.txt.part"
                                + " && mv in.txt.part in.txt; exec sleep infinity")),
                    SessionContainer.of(
                            "plugin",
                            sh(
                                "until [ -f in.txt ]; do sleep 0.1; done;"
                                    + " tr a-z A-Z < in.txt > out.txt.part && mv out.txt.part"
                                    + " out.txt; exec httpd -f -p "
                                    + PLUGIN_PORT
                                    + " -h \"$BERTH_WORKSPACE\""))
                        .after(List.of("processor")),
                    SessionContainer.of(
                            "merger",
                            sh(
                                "until [ -f out.txt ]; do sleep 0.1; done;"
                                    + " (echo merged; cat out.txt) > result.txt;"
                                    + " exec sleep infinity"))
                        .after(List.of("plugin")),
                    SessionContainer.of("checker", sh("exec sleep infinity"))
                        .mounting("", mountsReadOnly()))))
        .build();
  }

  protected RuntimeSession started(Template template) {
    RuntimeSession s = RuntimeSession.fresh(SessionId.generate(), template, Map.of());
    made.add(s);
    RuntimeSession p = s.withState(runtime().prepare(s));
    made.add(p);
    RuntimeSession r = p.withState(runtime().start(p).state());
    made.add(r);
    return r;
  }

  @AfterEach
  void destroyEverything() {
    for (RuntimeSession s : made.reversed()) {
      try {
        runtime().destroy(s);
      } catch (RuntimeException ignored) {
        // best effort: the test's own assertions already ran
      }
    }
  }

  protected ExecResult exec(RuntimeSession s, String type, String line) {
    return runtime()
        .workspace(s, type)
        .exec(
            new ExecRequest(
                ExecRequest.shell(line),
                WorkspacePath.ROOT,
                Map.of(),
                new byte[0],
                Duration.ofSeconds(30),
                1 << 20));
  }

  protected static String out(ExecResult r) {
    return new String(r.stdout(), UTF_8);
  }

  private Map<String, ContainerStatus> byType(RuntimeSession s) {
    Map<String, ContainerStatus> out = new LinkedHashMap<>();
    runtime().containers(s).forEach(c -> out.put(c.type(), c));
    return out;
  }

  private void awaitResult(RuntimeSession s) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(out(exec(s, SessionContainer.MAIN, "cat result.txt 2>&1")))
                    .isEqualTo("merged\nHELLO PIPELINE\n"));
  }

  @Test
  void threeContainersWorkOnOneWorkspaceAndAreEachListed() {
    RuntimeSession s = started(pipeline());
    awaitResult(s);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(byType(s).values())
                    .extracting(ContainerStatus::phase)
                    .containsOnly(ContainerStatus.Phase.RUNNING));
    var listed = byType(s);
    assertThat(listed.keySet())
        .containsExactly(SessionContainer.MAIN, "processor", "plugin", "merger", "checker");
    assertThat(listed.values().stream().map(ContainerStatus::name).distinct())
        .as("each container has a name of its own")
        .hasSize(listed.size());
    // every one of them sees the same files
    for (String type : listed.keySet()) {
      assertThat(out(exec(s, type, "cat in.txt"))).as(type).isEqualTo("hello pipeline\n");
    }
  }

  @Test
  void execAndLogsReachTheContainerOfTheTypeAsked() {
    RuntimeSession s = started(pipeline());
    awaitResult(s);
    assertThat(out(exec(s, "merger", "echo \"$BERTH_CONTAINER\""))).isEqualTo("merger\n");
    assertThat(out(exec(s, "plugin", "echo \"$BERTH_CONTAINER\""))).isEqualTo("plugin\n");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(runtime().logTail(s, "processor", 20)).contains("processing"));
    assertThat(runtime().logTail(s, "merger", 20)).doesNotContain("processing");
  }

  @Test
  void aProcessStartsInTheContainerOfTheTypeAsked() throws Exception {
    assumeTrue(runtime().abilities().contains(Ability.PROCESSES), "no processes with handles");
    RuntimeSession s = started(pipeline());
    awaitResult(s);
    var out = new java.io.ByteArrayOutputStream();
    ProcessSink sink =
        (stream, data, offset, length) -> {
          synchronized (out) {
            out.write(data, offset, length);
          }
        };
    try (StartedProcess p =
        runtime()
            .workspace(s, "merger")
            .start(
                new ProcessSpec(
                    ExecRequest.shell("echo \"$BERTH_CONTAINER\"; cat result.txt"),
                    WorkspacePath.ROOT,
                    Map.of(),
                    java.util.Optional.empty(),
                    StdinMode.none()),
                sink)) {
      assertThat(p.exit().get(30, java.util.concurrent.TimeUnit.SECONDS)).isZero();
    }
    synchronized (out) {
      assertThat(out.toString(UTF_8)).isEqualTo("merger\nmerged\nHELLO PIPELINE\n");
    }
  }

  @Test
  void containersReachEachOtherByTheirType() {
    RuntimeSession s = started(pipeline());
    awaitResult(s);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        out(
                            exec(
                                s,
                                "merger",
                                "printf 'GET /out.txt HTTP/1.0\\r\\n\\r\\n' | nc -w 3 "
                                    + reach("plugin", PLUGIN_PORT))))
                    .contains("HELLO PIPELINE"));
  }

  @Test
  void aReadOnlyMountRefusesWritesAndChangesNothing() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        mountsReadOnly(), "this backend refuses read-only mounts instead");
    RuntimeSession s = started(pipeline());
    awaitResult(s);
    ExecResult write = exec(s, "checker", "echo x > result.txt");
    assertThat(write.exitCode()).isNotZero();
    assertThat(out(exec(s, "checker", "cat result.txt"))).isEqualTo("merged\nHELLO PIPELINE\n");
  }

  @Test
  void anUnknownTypeIsNotFoundAndNamesTheTypesThereAre() {
    RuntimeSession s = started(pipeline());
    assertThatThrownBy(() -> runtime().workspace(s, "nope"))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("'nope'")
        .hasMessageContaining("processor")
        .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void aDestroyLeavesNothingOfAnyContainer() {
    RuntimeSession s = started(pipeline());
    awaitResult(s);
    String handle = s.id().value();
    assertThat(runtime().listOwned(handle)).isNotEmpty();
    CleanupReport report = runtime().destroy(s);
    assertThat(report.complete()).as("%s", report).isTrue();
    assertThat(runtime().listOwned(handle)).isEmpty();
    assertThat(byType(s).values())
        .extracting(ContainerStatus::phase)
        .containsOnly(ContainerStatus.Phase.MISSING);
  }
}
