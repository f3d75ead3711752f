package dev.berth.service.changes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.ExecResult;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkspaceListingTest {
  private static final String BEFORE =
      """
      3|2026-12-03 16:16:02.545827911 +0000|./a/f
      5|2026-12-03 16:16:02.000000000 +0000|./same.txt
      1|2026-12-03 16:16:02.000000000 +0000|./gone.txt
      stat: can't stat './vanished': No such file or directory
      4|2026-12-03 16:16:02.000000000 +0000|./with|bar.txt
      """;

  @Test
  void parsesSizeTimeAndPathAndSkipsWhatIsNotAListingLine() {
    Map<String, String> files = WorkspaceListing.parse(BEFORE.getBytes(UTF_8));
    assertThat(files)
        .containsOnlyKeys("a/f", "same.txt", "gone.txt", "with|bar.txt")
        .containsEntry("a/f", "3|2026-12-03 16:16:02.545827911 +0000");
  }

  @Test
  void aDiffNamesWhatWasCreatedModifiedAndDeleted() {
    Map<String, String> before = WorkspaceListing.parse(BEFORE.getBytes(UTF_8));
    Map<String, String> after =
        WorkspaceListing.parse(
            """
            3|2026-12-03 16:16:03.100000000 +0000|./a/f
            5|2026-12-03 16:16:02.000000000 +0000|./same.txt
            4|2026-12-03 16:16:02.000000000 +0000|./with|bar.txt
            2|2026-12-03 16:16:03.000000000 +0000|./new.txt
            """
                .getBytes(UTF_8));
    assertThat(WorkspaceListing.diff(before, after))
        .extracting(c -> c.path().value() + (c.deleted() ? " deleted" : " changed"))
        .containsExactlyInAnyOrder("a/f changed", "new.txt changed", "gone.txt deleted");
    assertThat(WorkspaceListing.diff(after, after)).isEmpty();
  }

  @Test
  void anImageWithoutFindOrATooLargeListingIsAProblemAVanishedFileIsNot() {
    var missing = result(127, "", "exec: find: not found");
    assertThat(WorkspaceListing.problem(missing)).get().asString().contains("find and stat");
    var vanished = result(1, "", "find: ./x: No such file or directory");
    assertThat(WorkspaceListing.problem(vanished)).isEmpty();
    var huge = new ExecResult(0, new byte[10], new byte[0], 5_000_000, 0, false, Duration.ZERO);
    assertThat(WorkspaceListing.problem(huge)).get().asString().contains("50,000 files");
  }

  private static ExecResult result(int code, String out, String err) {
    byte[] o = out.getBytes(UTF_8);
    byte[] e = err.getBytes(UTF_8);
    return new ExecResult(code, o, e, o.length, e.length, false, Duration.ZERO);
  }
}
