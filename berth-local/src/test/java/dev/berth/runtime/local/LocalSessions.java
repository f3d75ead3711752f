package dev.berth.runtime.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import dev.berth.base.SessionId;
import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.ExecRequest;
import dev.berth.service.TestServices;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.CullSettings;
import dev.berth.session.ExecCommand;
import dev.berth.session.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Templates on disk, sessions through the service, and their processes, for the local tests. */
final class LocalSessions {
  private LocalSessions() {}

  static void template(Path home, String name, String yaml) throws java.io.IOException {
    Path dir = Files.createDirectories(home.resolve("templates").resolve(name));
    Files.writeString(dir.resolve("template.yaml"), yaml);
    Files.createDirectories(dir.resolve("skeleton"));
  }

  static Session create(TestServices t, String id, String template, boolean start) {
    return t.service
        .create(
            new CreateSessionRequest(
                Optional.of(SessionId.of(id)),
                Optional.of(template),
                Optional.empty(),
                Map.of(),
                start,
                CullSettings.NONE))
        .session();
  }

  /**
   * The pid a process wrote into {@code <name>.pid} in the workspace, once it has: a start returns
   * when the process runs, which may be before its shell wrote the file (a manual container started
   * on request has no probe to wait for).
   */
  static long pid(TestServices t, String id, String name) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(
            () ->
                Long.parseLong(
                    new String(
                            t.service.workspace().readFile(SessionId.of(id), name + ".pid"), UTF_8)
                        .strip()),
            pid -> pid > 0);
  }

  static String read(TestServices t, String id, String path) {
    return new String(t.service.workspace().readFile(SessionId.of(id), path), UTF_8);
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Every live process that carries the session's marker (its app, containers and execs). */
  static List<ProcessHandle> processesOf(String instance, String id) {
    return LocalProcesses.findByEnvironment(LocalRuntime.MARKER, instance + "/" + id).stream()
        .filter(ProcessHandle::isAlive)
        .toList();
  }

  static Map<String, ContainerStatus> containers(TestServices t, String id) {
    Map<String, ContainerStatus> out = new LinkedHashMap<>();
    t.service.containers().list(SessionId.of(id)).forEach(c -> out.put(c.type(), c));
    return out;
  }

  static String exec(TestServices t, String id, String container, String line) {
    var r =
        t.service
            .workspace()
            .exec(
                SessionId.of(id),
                container,
                new ExecCommand(
                    ExecRequest.shell(line),
                    Optional.empty(),
                    Map.of(),
                    new byte[0],
                    Optional.of(Duration.ofSeconds(20))));
    return new String(r.stdout(), UTF_8);
  }
}
