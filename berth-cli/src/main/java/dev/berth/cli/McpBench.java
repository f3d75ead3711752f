package dev.berth.cli;

import dev.berth.base.SessionId;
import dev.berth.config.BerthConfig;
import dev.berth.config.ConfigLoader;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.WorkspaceAccess;
import dev.berth.runtime.WorkspacePath;
import dev.berth.runtime.provider.BackendProviders;
import dev.berth.server.BerthServer;
import dev.berth.service.SessionService;
import dev.berth.session.Session;
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
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Per-call latency of the MCP tools over Streamable HTTP against the same operation called directly
 * on the runtime, on the local and (when an engine answers) Docker backends, in one run. Each tool
 * call is made twice, interleaved: through the official Java SDK client and through a plain HTTP
 * client ({@link PlainMcpClient}), so the table shows what Berth's path costs apart from what the
 * client library adds.
 */
@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark MCP tool calls against the same operations on the runtime directly.",
      "Read 4 KiB, write 4 KiB, edit, list and exec `true` over Streamable HTTP, through the"
          + " Java SDK client and a plain HTTP client, on the local and Docker backends."
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
    BenchHome scratch = BenchHome.make("berth-bench-mcp-");
    Path home = scratch.dir();
    String prefix = "bmcpb" + Long.toString(System.nanoTime() % 46656, 36);
    BerthConfig config =
        ConfigLoader.load(
            home,
            Map.of(),
            Map.of("port", "0", "backend", "auto", "prefix", prefix),
            BackendProviders.installed().all());
    try (scratch;
        BerthServer server =
            BerthServer.start(
                config,
                BackendProviders.installed(),
                new PrintStream(new ByteArrayOutputStream()))) {
      String token = Files.readString(config.adminTokenFile()).strip();
      McpSyncClient sdk = connect(server.url(), token);
      var plain = new PlainMcpClient(server.url(), token);
      plain.initialize();
      try {
        for (String backend : server.sessions().backends().names()) {
          if (onlyBackend != null && !onlyBackend.equals(backend)) {
            continue;
          }
          var tables = measure(server.sessions(), sdk, plain, backend);
          for (String client : List.of("Java SDK client", "plain HTTP client")) {
            System.out.println("### " + backend + " backend, " + client + "\n");
            System.out.println(BenchTable.render(tables.get(client)));
          }
        }
      } finally {
        sdk.closeGracefully();
      }
    } catch (IOException e) {
      throw new CliException("benchmark failed: " + e.getMessage());
    }
  }

  /** Per client, the rows of one backend's table. */
  private Map<String, List<BenchTable.Row>> measure(
      SessionService sessions, McpSyncClient sdk, PlainMcpClient plain, String backend) {
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
            s.id(),
            s.handle(),
            sessions.templates().get(s.template()),
            s.labels(),
            s.runtimeState());
    WorkspaceAccess workspace = runtime.workspace(direct);
    var file = WorkspacePath.parse("bench/file.txt");
    workspace.writeFile(file, bytes(CONTENT), 1 << 20);
    workspace.makeDirectory(WorkspacePath.parse("bench/edit"));
    var exec =
        new ExecRequest(
            List.of("true"),
            WorkspacePath.ROOT,
            Map.of(),
            new byte[0],
            Duration.ofSeconds(30),
            4096);
    var edits = new EditToggle();
    List<Op> ops =
        List.of(
            new Op(
                "read 4 KiB",
                () -> workspace.readFile(file, 1 << 20),
                "session_read_file",
                () -> Map.of("session_id", id, "path", "bench/file.txt")),
            new Op(
                "write 4 KiB",
                () ->
                    workspace.writeFile(
                        WorkspacePath.parse("bench/w.txt"), bytes(CONTENT), 1 << 20),
                "session_write_file",
                () -> Map.of("session_id", id, "path", "bench/w.txt", "content", CONTENT)),
            new Op(
                "edit",
                () -> rawEdit(workspace, file, edits.next()),
                "session_edit_file",
                () -> {
                  String[] change = edits.next();
                  return Map.of(
                      "session_id",
                      id,
                      "path",
                      "bench/file.txt",
                      "old_string",
                      change[0],
                      "new_string",
                      change[1]);
                }),
            new Op(
                "list",
                () -> workspace.list(WorkspacePath.parse("bench")),
                "session_list_directory",
                () -> Map.of("session_id", id, "path", "bench")),
            new Op(
                "exec true",
                () -> workspace.exec(exec),
                "session_exec",
                () -> Map.of("session_id", id, "command", List.of("true"))));
    Map<String, List<Double>> raw = new LinkedHashMap<>();
    Map<String, List<Double>> viaSdk = new LinkedHashMap<>();
    Map<String, List<Double>> viaPlain = new LinkedHashMap<>();
    for (Op op : ops) {
      raw.put(op.name(), new ArrayList<>());
      viaSdk.put(op.name(), new ArrayList<>());
      viaPlain.put(op.name(), new ArrayList<>());
    }
    System.err.printf(
        "%s: %d warm-up calls, then measuring %d calls of each operation...%n",
        backend, warmup, reps);
    for (int i = 0; i < reps + warmup; i++) {
      boolean warm = i < warmup;
      for (Op op : ops) {
        record(warm, raw, op.name(), op.raw());
        record(warm, viaSdk, op.name(), () -> sdkCall(sdk, op.tool(), op.args().get()));
        record(warm, viaPlain, op.name(), () -> plain.call(op.tool(), op.args().get()));
      }
    }
    sessions.delete(s.id());
    BenchTable.Target target =
        backend.equals("local")
            ? new BenchTable.BerthMedianAtMost(3)
            : new BenchTable.RatioAtMost(1.15);
    return Map.of(
        "Java SDK client",
        rows(raw, viaSdk, target),
        "plain HTTP client",
        rows(raw, viaPlain, target));
  }

  private static List<BenchTable.Row> rows(
      Map<String, List<Double>> raw, Map<String, List<Double>> berth, BenchTable.Target target) {
    List<BenchTable.Row> rows = new ArrayList<>();
    raw.forEach((op, times) -> rows.add(new BenchTable.Row(op, times, berth.get(op), target)));
    return rows;
  }

  /** One measured operation: directly on the runtime, and as the MCP tool that does the same. */
  private record Op(String name, Runnable raw, String tool, Supplier<Map<String, Object>> args) {}

  /** Every edit flips the file's last letter, so each one (raw or through MCP) changes the file. */
  private static final class EditToggle {
    private boolean endsWithA = true;

    String[] next() {
      String[] change = endsWithA ? new String[] {"A", "B"} : new String[] {"B", "A"};
      endsWithA = !endsWithA;
      return change;
    }
  }

  /** What an edit costs without Berth: read the file, write it back changed. */
  private static void rawEdit(WorkspaceAccess workspace, WorkspacePath file, String[] change) {
    String text = new String(workspace.readFile(file, 1 << 20), StandardCharsets.UTF_8);
    workspace.writeFile(file, bytes(text.replace(change[0], change[1])), 1 << 20);
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

  private static void sdkCall(McpSyncClient mcp, String tool, Map<String, Object> args) {
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
