package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchTableTest {
  @Test
  void percentilesUseTheNearestRank() {
    List<Double> values = List.of(5.0, 1.0, 3.0, 2.0, 4.0);
    assertThat(BenchCommand.percentile(values, 0)).isEqualTo(1.0);
    assertThat(BenchCommand.percentile(values, 50)).isEqualTo(3.0);
    assertThat(BenchCommand.percentile(values, 95)).isEqualTo(5.0);
  }

  @Test
  void theTableShowsTheRatioOfMediansAndWhetherTheTargetIsMet() {
    String table =
        BenchCommand.table(
            List.of(
                new BenchCommand.Row(
                    "up", List.of(10.0, 10.0, 10.0), List.of(11.0, 11.0, 11.0), 1.15),
                new BenchCommand.Row("down", List.of(10.0), List.of(20.0), 1.2)));
    assertThat(table)
        .contains(
            "| up | 3 | 10.0 ms | 10.0 ms | 10.0 ms | 11.0 ms | 11.0 ms | 11.0 ms | 1.10 | <= 1.15 (met) |");
    assertThat(table).contains("| down | 1 |").contains("| 2.00 | <= 1.20 (NOT met) |");
  }
}
