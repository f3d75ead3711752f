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
 * {@code berth bench docker} runs end to end on the engine (two of each, no timing claims): the raw
 * and Berth paths both make a ready container, with and without an app, and the table has every
 * row. Timing belongs to the benchmark itself, not to tests.
 */
class DockerBenchTest {
  @Test
  void aShortRunPrintsEveryRow() {
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
              new String[] {"bench", "docker", "--reps", "2"},
              Map.of(),
              new PrintWriter(new StringWriter(), true),
              new PrintWriter(err, true));
    } finally {
      System.setOut(before);
    }
    String out = printed.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err + out).isZero();
    assertThat(out.split("\n"))
        .anyMatch(line -> line.startsWith("| create-to-ready | 2 |"))
        .anyMatch(line -> line.startsWith("| teardown | 2 |"))
        .anyMatch(line -> line.startsWith("| create-to-ready, app | 2 |"))
        .anyMatch(line -> line.startsWith("| create-to-ready, app, same isolation | 2 |"))
        .anyMatch(line -> line.startsWith("| cold (made on request) | 2 |"))
        .anyMatch(line -> line.startsWith("| pooled (a ready member) | 2 |"));
  }

  /** {@code berth bench pools --backend local}: every create of the pooled kind was a hit. */
  @Test
  void thePoolsBenchOnLocalPrintsColdAndPooled() {
    var printed = new ByteArrayOutputStream();
    var err = new StringWriter();
    PrintStream before = System.out;
    int code;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      code =
          BerthCli.run(
              new String[] {"bench", "pools", "--backend", "local", "--reps", "3"},
              Map.of(),
              new PrintWriter(new StringWriter(), true),
              new PrintWriter(err, true));
    } finally {
      System.setOut(before);
    }
    String out = printed.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err + out).isZero();
    assertThat(out.split("\n"))
        .anyMatch(line -> line.startsWith("| cold (made on request) | 3 |"))
        .anyMatch(line -> line.startsWith("| pooled (a ready member) | 3 |"));
  }
}
