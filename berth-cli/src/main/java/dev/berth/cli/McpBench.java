package dev.berth.cli;

import dev.berth.config.BerthConfig;
import dev.berth.config.ConfigLoader;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.WorkspacePath;
import dev.berth.server.BerthServer;
import dev.berth.session.Session;
import dev.berth.session.SessionId;
import dev.berth.session.SessionService;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Per-call latency of the MCP tools over Streamable HTTP against the same operation called directly
 * on the runtime, on the local and (when an engine answers) Docker backends, in one run.
 */
@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    description = {
      "MCP tool calls over Streamable HTTP vs the same operation on the runtime directly:",
      "read 4 KiB, write 4 KiB, edit, list, exec `true`; local and Docker backends."
    })
final class McpBench implements Runnable {
  private static final String CONTENT = "x".repeat(4095) + "A";

  @Option(names = "--reps", defaultValue = "100", description = "calls of each (default 100)")
  int reps;

  // The JIT compiles a path after a few hundred calls; timing before that measures the
  // interpreter (the first recording used 5 warm-up calls and saw ~5 ms instead of ~1 ms).
  @Option(
      names = "--warmup",
      defaultValue = "300",
      description = "unmeasured calls of each before measuring (default 300)")
  int warmup;

  @Option(
      names = "--backend",
      description = "measure only this backend (default: every backend Berth has)")
  String onlyBackend;

  @Override
  public void run() {
    Path home;
    try {
      home = Files.createTempDirectory("berth-bench-mcp-");
    } catch (IOException e) {
      throw new CliException("cannot make a temporary data directory: " + e.getMessage());
    }
    String prefix = "bmcpb" + Long.toString(System.nanoTime() % 46656, 36);
    BerthConfig config =
        ConfigLoader.load(home, Map.of(), Map.of("port", "0", "backend", "auto", "prefix", prefix));
    try (BerthServer server =
        BerthServer.start(
            config, Backends.chooser(), new PrintStream(new ByteArrayOutputStream()))) {
      String token = Files.readString(config.adminTokenFile()).strip();
      McpSyncClient mcp = connect(server.url(), token);
      try {
        for (String backend : server.sessions().backends().names()) {
          if (onlyBackend != null && !onlyBackend.equals(backend)) {
            continue;
          }
          System.out.println("### " + backend + " backend\n");
          System.out.println(BenchTable.render(measure(server.sessions(), mcp, backend)));
        }
      } finally {
        mcp.closeGracefully();
      }
    } catch (IOException e) {
      throw new CliException("benchmark failed: " + e.getMessage());
    }
  }

  private List<BenchTable.Row> measure(SessionService sessions, McpSyncClient mcp, String backend) {
    String id = "bench-" + backend;
    var request =
        new dev.berth.session.CreateSessionRequest(
            java.util.Optional.of(SessionId.of(id)),
            java.util.Optional.empty(),
            java.util.Optional.of(backend),
            Map.of(),
            true);
    Session s = sessions.create(request).session();
    SessionRuntime runtime = sessions.backends().get(backend);
    RuntimeSession direct =
        new RuntimeSession(
            s.id(), sessions.templates().get(s.template()), s.labels(), s.runtimeState());
    var file = WorkspacePath.parse("bench/file.txt");
    runtime.writeFile(direct, file, bytes(CONTENT), 1 << 20);
    runtime.makeDirectory(direct, WorkspacePath.parse("bench/edit"));
    Map<String, List<Double>> raw = new LinkedHashMap<>();
    Map<String, List<Double>> viaMcp = new LinkedHashMap<>();
    for (String op : List.of("read 4 KiB", "write 4 KiB", "edit", "list", "exec true")) {
      raw.put(op, new ArrayList<>());
      viaMcp.put(op, new ArrayList<>());
    }
    var exec =
        new ExecRequest(
            List.of("true"),
            WorkspacePath.ROOT,
            Map.of(),
            new byte[0],
            Duration.ofSeconds(30),
            4096);
    System.err.printf(
        "%s: %d warm-up calls, then measuring %d calls of each operation...%n",
        backend, warmup, reps);
    for (int i = 0; i < reps + warmup; i++) {
      boolean warm = i < warmup;
      String from = i % 2 == 0 ? "A" : "B";
      String to = i % 2 == 0 ? "B" : "A";
      record(warm, raw, "read 4 KiB", () -> runtime.readFile(direct, file, 1 << 20));
      record(
          warm,
          viaMcp,
          "read 4 KiB",
          () -> call(mcp, "session_read_file", Map.of("session_id", id, "path", "bench/file.txt")));
      record(
          warm,
          raw,
          "write 4 KiB",
          () ->
              runtime.writeFile(
                  direct, WorkspacePath.parse("bench/w.txt"), bytes(CONTENT), 1 << 20));
      record(
          warm,
          viaMcp,
          "write 4 KiB",
          () ->
              call(
                  mcp,
                  "session_write_file",
                  Map.of("session_id", id, "path", "bench/w.txt", "content", CONTENT)));
      record(warm, raw, "edit", () -> rawEdit(runtime, direct, file, from, to));
      record(
          warm,
          viaMcp,
          "edit",
          () ->
              call(
                  mcp,
                  "session_edit_file",
                  Map.of(
                      "session_id",
                      id,
                      "path",
                      "bench/file.txt",
                      "old_string",
                      to.equals("B") ? "B" : "A",
                      "new_string",
                      to.equals("B") ? "A" : "B")));
      record(warm, raw, "list", () -> runtime.list(direct, WorkspacePath.parse("bench")));
      record(
          warm,
          viaMcp,
          "list",
          () -> call(mcp, "session_list_directory", Map.of("session_id", id, "path", "bench")));
      record(warm, raw, "exec true", () -> runtime.exec(direct, exec));
      record(
          warm,
          viaMcp,
          "exec true",
          () -> call(mcp, "session_exec", Map.of("session_id", id, "command", List.of("true"))));
    }
    sessions.delete(s.id());
    List<BenchTable.Row> rows = new ArrayList<>();
    BenchTable.Target target =
        backend.equals("local")
            ? new BenchTable.BerthMedianAtMost(3)
            : new BenchTable.RatioAtMost(1.15);
    raw.forEach((op, times) -> rows.add(new BenchTable.Row(op, times, viaMcp.get(op), target)));
    return rows;
  }

  /** What an edit costs without Berth: read the file, write it back changed. */
  private static void rawEdit(
      SessionRuntime runtime, RuntimeSession s, WorkspacePath file, String from, String to) {
    String text = new String(runtime.readFile(s, file, 1 << 20), StandardCharsets.UTF_8);
    runtime.writeFile(s, file, bytes(text.replace(from, to)), 1 << 20);
  }

  private static void record(
      boolean warm, Map<String, List<Double>> into, String op, Runnable work) {
    double ms = BenchTable.time(work);
    if (!warm) {
      into.get(op).add(ms);
    }
  }

  private static ByteArrayInputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static void call(McpSyncClient mcp, String tool, Map<String, Object> args) {
    CallToolResult r = mcp.callTool(CallToolRequest.builder(tool).arguments(args).build());
    if (Boolean.TRUE.equals(r.isError())) {
      throw new CliException(tool + " failed during the benchmark: " + r.content());
    }
  }

  private static McpSyncClient connect(String url, String token) {
    var transport =
        HttpClientStreamableHttpTransport.builder(url)
            .endpoint("/mcp")
            .addHttpRequestCustomizer(
                (b, method, uri, body, ctx) -> b.header("Authorization", "Bearer " + token))
            .build();
    McpSyncClient client =
        McpClient.sync(transport)
            .clientInfo(Implementation.builder("berth-bench", "1").build())
            .requestTimeout(Duration.ofSeconds(60))
            .build();
    client.initialize();
    return client;
  }
}
