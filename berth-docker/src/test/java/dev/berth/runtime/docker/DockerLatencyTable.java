package dev.berth.runtime.docker;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.berth.base.SessionId;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.WorkspacePath;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Prints a table of median latencies of the Docker runtime's calls against the engine at {@code
 * DOCKER_HOST} (or the default socket). A program, not a test: run it from {@code berth-docker}
 * with the test classpath, e.g. {@code java -cp target/classes:target/test-classes:$(cat
 * target/cp.txt) dev.berth.runtime.docker.DockerLatencyTable [rounds [PER_SESSION|SHARED_NO_ICC]]}.
 */
public final class DockerLatencyTable {
  private DockerLatencyTable() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    SessionNetworks networks =
        args.length > 1 ? SessionNetworks.valueOf(args[1]) : SessionNetworks.PER_SESSION;
    String prefix = DockerTestSupport.newPrefix();
    DockerEngine engine = DockerTestSupport.engine();
    Map<String, List<Long>> samples = new LinkedHashMap<>();
    // not closed: closing the runtime would close the shared engine before the clean-up below
    var runtime = DockerTestSupport.runtime(engine, prefix, networks);
    try {
      runtime.prepare(
          RuntimeSession.fresh(SessionId.generate(), Templates.plain("warm"), Map.of()));
      byte[] small = "x".repeat(4096).getBytes(UTF_8);
      byte[] big = new byte[1 << 20];
      for (int i = 0; i < rounds; i++) {
        RuntimeSession fresh =
            RuntimeSession.fresh(SessionId.generate(), Templates.plain("bench"), Map.of());
        RuntimeSession p = fresh.withState(time(samples, "prepare", () -> runtime.prepare(fresh)));
        RuntimeSession s = p.withState(time(samples, "start", () -> runtime.start(p).state()));
        time(samples, "inspect", () -> runtime.inspect(s));
        time(samples, "exec true", () -> run(runtime, s, List.of("true"), new byte[0]));
        time(samples, "exec with stdin", () -> run(runtime, s, List.of("cat"), small));
        WorkspacePath file = WorkspacePath.parse("dir/sub/file.txt");
        time(samples, "write 4 KiB (new parents)", () -> write(runtime, s, file, small));
        time(samples, "write 1 MiB (replace)", () -> write(runtime, s, file, big));
        time(samples, "read 1 MiB", () -> runtime.workspace(s).readFile(file, 2 << 20));
        time(samples, "stat (3 levels)", () -> runtime.workspace(s).stat(file));
        time(
            samples,
            "list (running: exec)",
            () -> runtime.workspace(s).list(WorkspacePath.parse("dir")));
        time(samples, "get archive of root", () -> archive(runtime, s));
        RuntimeSession stopped =
            s.withState(time(samples, "stop", () -> runtime.stop(s, Duration.ofSeconds(10))));
        time(
            samples,
            "list (stopped: tar)",
            () -> runtime.workspace(stopped).list(WorkspacePath.ROOT));
        time(samples, "delete (stopped: helper)", () -> delete(runtime, stopped));
        time(samples, "destroy", () -> runtime.destroy(stopped));
      }
    } finally {
      DockerTestSupport.removeEverything(engine, prefix);
      engine.close();
    }
    System.out.printf(
        "%-28s %10s %10s   (%d rounds, %s)%n", "call", "median ms", "max ms", rounds, networks);
    samples.forEach(
        (name, nanos) -> {
          List<Long> sorted = new ArrayList<>(nanos);
          sorted.sort(null);
          System.out.printf(
              "%-28s %10.1f %10.1f%n",
              name, sorted.get(sorted.size() / 2) / 1e6, sorted.getLast() / 1e6);
        });
  }

  private static <T> T time(Map<String, List<Long>> samples, String name, Supplier<T> call) {
    long start = System.nanoTime();
    T result = call.get();
    samples.computeIfAbsent(name, k -> new ArrayList<>()).add(System.nanoTime() - start);
    return result;
  }

  private static Object run(DockerRuntime r, RuntimeSession s, List<String> argv, byte[] in) {
    return r.workspace(s)
        .exec(
            new ExecRequest(
                argv, WorkspacePath.ROOT, Map.of(), in, Duration.ofSeconds(10), 1 << 16));
  }

  private static Object write(DockerRuntime r, RuntimeSession s, WorkspacePath p, byte[] data) {
    r.workspace(s).writeFile(p, new ByteArrayInputStream(data), 2 << 20);
    return null;
  }

  private static Object archive(DockerRuntime r, RuntimeSession s) {
    r.workspace(s).getArchive(WorkspacePath.ROOT, new ByteArrayOutputStream());
    return null;
  }

  private static Object delete(DockerRuntime r, RuntimeSession s) {
    r.workspace(s).delete(WorkspacePath.parse("dir"), true);
    return null;
  }
}
