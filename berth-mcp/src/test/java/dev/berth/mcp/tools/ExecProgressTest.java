package dev.berth.mcp.tools;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.mcp.tool.ToolProgress;
import dev.berth.runtime.ProcessStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecProgressTest {
  /** A client's progress as it arrives. */
  static final class Recorded implements ToolProgress {
    final List<Double> progress = new ArrayList<>();
    final List<String> messages = new ArrayList<>();

    @Override
    public boolean wanted() {
      return true;
    }

    @Override
    public synchronized void report(double at, String message) {
      progress.add(at);
      messages.add(message);
    }

    synchronized List<String> messages() {
      return List.copyOf(messages);
    }

    synchronized List<Double> progress() {
      return List.copyOf(progress);
    }
  }

  private static void print(ExecProgress p, ProcessStream stream, String text) {
    byte[] b = ("xx" + text).getBytes(UTF_8);
    p.output(stream, b, 2, b.length - 2);
  }

  @Test
  void theLatestLinesGoOutWhileItPrintsAndAQuietCommandStillSaysItRuns() {
    var client = new Recorded();
    try (var p = new ExecProgress(client, Duration.ofMillis(50), Duration.ofMillis(300))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> !client.messages().isEmpty());
      assertThat(client.messages().getFirst()).isEqualTo("running; no output yet");

      print(p, ProcessStream.STDOUT, "compiling\n");
      print(p, ProcessStream.STDERR, "warning: x\n");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.messages().getLast().equals("compiling\nwarning: x"));
      int before = client.messages().size();
      await().atMost(Duration.ofSeconds(10)).until(() -> client.messages().size() > before);
      assertThat(client.messages().getLast())
          .as("a quiet interval repeats the latest lines")
          .isEqualTo("compiling\nwarning: x");
    }
    assertThat(client.progress()).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void theMessageIsTheLastTenLinesWithOnlyTheLastDrawingOfARedrawnLine() {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i <= 12; i++) {
      out.append("line ").append(i).append('\n');
    }
    out.append("progress 10%\rprogress 50%\rprogress 90%");
    byte[] all = out.toString().getBytes(UTF_8);
    assertThat(ExecProgress.message(all, all.length))
        .isEqualTo(
            "line 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\nline 11\nline 12\n"
                + "progress 90%");
    assertThat(ExecProgress.message(new byte[0], 0)).isEqualTo("running; no output yet");
    byte[] cut = "partial line\nwhole line\n".getBytes(UTF_8);
    assertThat(ExecProgress.message(cut, 10_000))
        .as("a line cut by the kept tail's start is left out")
        .isEqualTo("whole line");
  }

  @Test
  void keepsTheTailOfOutputLargerThanWhatItKeeps() {
    var client = new Recorded();
    try (var p = new ExecProgress(client, Duration.ofMillis(20), Duration.ofMinutes(1))) {
      print(p, ProcessStream.STDOUT, "x".repeat(ExecProgress.TAIL_BYTES * 2) + "\nend\n");
      await().atMost(Duration.ofSeconds(10)).until(() -> client.messages().contains("end"));
    }
  }
}
