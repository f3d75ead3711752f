package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The processes benchmark runs end to end on Docker (a few of each, no timing claims): Berth's
 * process API and the raw hijacked exec both deliver the first byte and echo every keystroke, and
 * the table has both rows. Timing belongs to the benchmark itself, not to tests.
 */
class ProcessesBenchTest {
  @Test
  void aShortRunPrintsBothRows() {
    DockerRequired.check();
    String out =
        BenchRun.tables("bench", "processes", "--reps", "3", "--keystrokes", "5", "--warmup", "1");
    assertThat(out.split("\n"))
        .anyMatch(line -> line.startsWith("| time to first byte (start printf x) | 3 |"))
        .anyMatch(line -> line.startsWith("| keystroke round trip (TTY cat) | 5 |"));
  }
}
