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
 * The processes benchmark runs end to end on Docker (a few of each, no timing claims): Berth's
 * process API and the raw hijacked exec both deliver the first byte and echo every keystroke, and
 * the table has both rows. Timing belongs to the benchmark itself, not to tests.
 */
class ProcessesBenchTest {
  @Test
  void aShortRunPrintsBothRows() {
    DockerRequired.check();
    var printed = new ByteArrayOutputStream();
    var err = new StringWriter();
    PrintStream before = System.out;
    int code;
    // The benchmark prints its table on standard output, like every benchmark program.
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      code =
          BerthCli.run(
              new String[] {
                "bench", "processes", "--reps", "3", "--keystrokes", "5", "--warmup", "1"
              },
              Map.of(),
              new PrintWriter(new StringWriter(), true),
              new PrintWriter(err, true));
    } finally {
      System.setOut(before);
    }
    String out = printed.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err + out).isZero();
    assertThat(out.split("\n"))
        .anyMatch(line -> line.startsWith("| time to first byte (start printf x) | 3 |"))
        .anyMatch(line -> line.startsWith("| keystroke round trip (TTY cat) | 5 |"));
  }
}
