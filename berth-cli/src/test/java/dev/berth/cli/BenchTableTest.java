package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchTableTest {
  @Test
  void percentilesUseTheNearestRank() {
    List<Double> values = List.of(5.0, 1.0, 3.0, 2.0, 4.0);
    assertThat(BenchTable.percentile(values, 0)).isEqualTo(1.0);
    assertThat(BenchTable.percentile(values, 50)).isEqualTo(3.0);
    assertThat(BenchTable.percentile(values, 95)).isEqualTo(5.0);
  }

  @Test
  void theTableShowsTheRatioOfMediansAndWhetherTheTargetIsMet() {
    String table =
        BenchTable.render(
            List.of(
                new BenchTable.Row(
                    "up",
                    List.of(10.0, 10.0, 10.0),
                    List.of(11.0, 11.0, 11.0),
                    new BenchTable.RatioAtMost(1.15)),
                new BenchTable.Row(
                    "down", List.of(10.0), List.of(20.0), new BenchTable.RatioAtMost(1.2)),
                new BenchTable.Row(
                    "local read",
                    List.of(0.5),
                    List.of(2.5),
                    new BenchTable.BerthMedianAtMost(3))));
    assertThat(table)
        .contains(
            "| up | 3 | 10.00 ms | 10.00 ms | 10.00 ms | 11.00 ms | 11.00 ms | 11.00 ms | 1.10 | ratio <= 1.15 (met) |")
        .contains("| down | 1 |")
        .contains("| 2.00 | ratio <= 1.20 (NOT met) |")
        .contains("| 5.00 | berth median <= 3.0 ms (met) |");
  }

  @Test
  void anAddedLatencyTargetComparesTheDifferenceOfMedians() {
    assertThat(new BenchTable.AddedAtMost(1.0).met(0.3, 1.3)).isTrue();
    assertThat(new BenchTable.AddedAtMost(1.0).met(0.3, 1.31)).isFalse();
    assertThat(new BenchTable.AddedAtMost(1.0).describe()).isEqualTo("added <= 1.0 ms");
  }
}
