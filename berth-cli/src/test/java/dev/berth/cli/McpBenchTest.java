package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The MCP benchmark runs end to end (a few calls, no timing claims): both clients reach every tool
 * and the tables have a row per operation. Timing belongs to the benchmark itself, not to tests.
 */
class McpBenchTest {
  @Test
  void aShortRunPrintsATablePerClientWithEveryOperation() {
    var printed = new ByteArrayOutputStream();
    var err = new StringWriter();
    PrintStream before = System.out;
    int code;
    // The benchmark prints its tables on standard output, like every benchmark program.
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      code =
          BerthCli.run(
              new String[] {"bench", "mcp", "--reps", "5", "--warmup", "2", "--backend", "local"},
              Map.of(),
              new PrintWriter(new StringWriter(), true),
              new PrintWriter(err, true));
    } finally {
      System.setOut(before);
    }
    String out = printed.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err + out).isZero();
    assertThat(out)
        .contains("### local backend, Java SDK client", "### local backend, plain HTTP client");
    for (String op : new String[] {"read 4 KiB", "write 4 KiB", "edit", "list", "exec true"}) {
      assertThat(out.split("\n"))
          .as(op)
          .filteredOn(line -> line.startsWith("| " + op + " | 5 |"))
          .hasSize(2);
    }
  }
}
