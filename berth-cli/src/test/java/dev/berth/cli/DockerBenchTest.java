package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
    String out = BenchRun.tables("bench", "docker", "--reps", "2");
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
    String out = BenchRun.tables("bench", "pools", "--backend", "local", "--reps", "3");
    assertThat(out.split("\n"))
        .anyMatch(line -> line.startsWith("| cold (made on request) | 3 |"))
        .anyMatch(line -> line.startsWith("| pooled (a ready member) | 3 |"));
  }
}
