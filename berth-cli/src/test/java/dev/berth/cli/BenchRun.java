package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One {@code berth bench ...} run in this JVM for the bench tests: its exit code checked (zero,
 * with what it printed when not) and the tables it printed on standard output, where every
 * benchmark program prints them.
 */
final class BenchRun {
  private BenchRun() {}

  /** Runs {@code berth <args>}; returns standard output once the exit code is zero. */
  static String tables(String... args) {
    var printed = new ByteArrayOutputStream();
    var err = new StringWriter();
    PrintStream before = System.out;
    int code;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      code =
          BerthCli.run(
              args,
              Map.of(),
              new PrintWriter(new StringWriter(), true),
              new PrintWriter(err, true));
    } finally {
      System.setOut(before);
    }
    String out = printed.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err + out).isZero();
    return out;
  }
}
