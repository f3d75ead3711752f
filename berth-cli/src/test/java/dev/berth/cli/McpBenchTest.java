package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The MCP benchmark runs end to end (a few calls, no timing claims): both clients reach every tool
 * and the tables have a row per operation. Timing belongs to the benchmark itself, not to tests.
 */
class McpBenchTest {
  @Test
  void aShortRunPrintsATablePerClientWithEveryOperation() {
    String out =
        BenchRun.tables("bench", "mcp", "--reps", "5", "--warmup", "2", "--backend", "local");
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
