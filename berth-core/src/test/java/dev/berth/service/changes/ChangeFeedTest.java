package dev.berth.service.changes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.WorkspaceChange;
import dev.berth.runtime.WorkspacePath;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeFeedTest {
  private final ChangeFeed feed = new ChangeFeed(Clock.systemUTC());

  private static WorkspaceChange changed(String path) {
    return new WorkspaceChange(WorkspacePath.parse(path), false);
  }

  private List<String> all() throws InterruptedException {
    return feed.read(0, 1000, Duration.ZERO).changes().stream()
        .map(c -> c.kind() + " " + c.path() + " " + c.by())
        .toList();
  }

  @Test
  void aWatchersEchoOfABerthWriteIsDroppedAndOtherChangesAreTheSessions() throws Exception {
    Instant before = Instant.now();
    feed.berthBegin(WorkspacePath.parse("a.txt"));
    feed.berthEnd(WorkspacePath.parse("a.txt"), true, Change.CHANGED, "mcp");
    feed.observed(List.of(changed("a.txt"), changed("b.txt"), changed("dir/.berth-1.tmp")), before);
    assertThat(all()).containsExactly("changed a.txt mcp", "changed b.txt session");
  }

  @Test
  void aWriteInFlightCoversItsPathAndADirectoryWriteCoversWhatIsUnderIt() throws Exception {
    feed.berthBegin(WorkspacePath.parse("big.bin"));
    feed.berthBegin(WorkspacePath.parse("unpacked"));
    Instant later = Instant.now().plusSeconds(60);
    feed.observed(List.of(changed("big.bin"), changed("unpacked/x/y.txt")), later);
    assertThat(all()).isEmpty();
    feed.berthEnd(WorkspacePath.parse("big.bin"), false, Change.CHANGED, "api");
    feed.observed(List.of(changed("big.bin")), later);
    assertThat(all()).containsExactly("changed big.bin session");
  }

  @Test
  void aChangeLongAfterBerthsWriteIsTheSessions() throws Exception {
    feed.berthBegin(WorkspacePath.parse("a.txt"));
    feed.berthEnd(WorkspacePath.parse("a.txt"), true, Change.CHANGED, "api");
    feed.observed(List.of(changed("a.txt")), Instant.now().plusSeconds(1));
    assertThat(all()).containsExactly("changed a.txt api", "changed a.txt session");
  }

  @Test
  void cursorsPageAndAnOldOneIsAGap() throws Exception {
    long start = feed.read(-1, 10, Duration.ZERO).cursor();
    feed.observed(List.of(changed("1"), changed("2"), changed("3")), Instant.now());
    ChangePage first = feed.read(start, 2, Duration.ZERO);
    assertThat(first.changes()).extracting(Change::path).containsExactly("1", "2");
    assertThat(first.more()).isTrue();
    ChangePage rest = feed.read(first.cursor(), 2, Duration.ZERO);
    assertThat(rest.changes()).extracting(Change::path).containsExactly("3");
    assertThat(rest.more()).isFalse();
    assertThat(feed.read(start - 5, 10, Duration.ZERO).gap()).isTrue();
    assertThat(feed.read(rest.cursor() + 1, 10, Duration.ZERO).gap()).isTrue();
    assertThat(feed.read(rest.cursor(), 10, Duration.ZERO).gap()).isFalse();
  }

  @Test
  void aReaderWaitsForTheNextChangeAndAnEndReleasesIt() throws Exception {
    long start = feed.read(-1, 10, Duration.ZERO).cursor();
    Thread.ofVirtual().start(() -> feed.observed(List.of(changed("late")), Instant.now()));
    ChangePage page = feed.read(start, 10, Duration.ofSeconds(20));
    assertThat(page.changes()).extracting(Change::path).containsExactly("late");
    Thread.ofVirtual().start(() -> feed.end("session 'x' was deleted"));
    ChangePage ended = feed.read(page.cursor(), 10, Duration.ofSeconds(20));
    assertThat(ended.ended()).contains("session 'x' was deleted");
  }

  @Test
  void anOverflowIsReportedAsAnythingMayHaveChanged() throws Exception {
    feed.observed(List.of(new WorkspaceChange(WorkspacePath.ROOT, false)), Instant.now());
    assertThat(all()).containsExactly("overflow  session");
  }
}
