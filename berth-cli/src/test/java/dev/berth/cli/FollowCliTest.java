package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.server.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code berth session events -f} against a real server: the trail so far, then live events. */
class FollowCliTest {
  @TempDir Path home;
  private TestServer berth;
  private Map<String, String> env;

  @BeforeEach
  void start() {
    berth = new TestServer(home);
    env = new HashMap<>(Map.of("BERTH_URL", berth.url(), "BERTH_HOME", home.toString()));
  }

  @AfterEach
  void stop() {
    berth.close();
  }

  private int berth(StringWriter out, String... args) {
    return BerthCli.run(args, env, new PrintWriter(out, true), new PrintWriter(out, true));
  }

  @Test
  void eventsFollowPrintsTheTrailThenEachNewEventOnce() {
    assertThat(berth(new StringWriter(), "session", "create", "--id", "watched")).isZero();
    var followed = new StringWriter();
    CompletableFuture<Integer> following =
        CompletableFuture.supplyAsync(
            () -> berth(followed, "session", "events", "-f", "watched"),
            r -> Thread.ofVirtual().start(r));

    await().atMost(Duration.ofSeconds(30)).until(() -> followed.toString().contains("RUNNING"));
    int before = followed.toString().split("\n").length;

    assertThat(berth(new StringWriter(), "session", "stop", "watched")).isZero();

    await().atMost(Duration.ofSeconds(30)).until(() -> followed.toString().contains("STOPPED"));
    String all = followed.toString();
    assertThat(all.split("\n").length).isGreaterThan(before);
    // The trail's events are printed once: the stream resumed after the last one shown.
    long created =
        all.lines().filter(l -> l.contains("  status  ") && l.contains("RUNNING")).count();
    assertThat(created).isEqualTo(1);
  }
}
