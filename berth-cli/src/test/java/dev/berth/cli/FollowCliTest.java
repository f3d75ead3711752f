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

/** {@code berth session events -f} and {@code logs -f} against a real server: what comes later. */
class FollowCliTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
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
    return berth(out, new StringWriter(), args);
  }

  private int berth(StringWriter out, StringWriter err, String... args) {
    return BerthCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  /** A CLI run in the background, watched through its output. */
  private CompletableFuture<Integer> following(StringWriter out, StringWriter err, String... args) {
    return CompletableFuture.supplyAsync(
        () -> berth(out, err, args), r -> Thread.ofVirtual().start(r));
  }

  @Test
  void eventsFollowPrintsTheTrailThenEachNewEventOnce() {
    assertThat(berth(new StringWriter(), "session", "create", "--id", "watched")).isZero();
    var followed = new StringWriter();
    var err = new StringWriter();
    CompletableFuture<Integer> follow =
        following(followed, err, "session", "events", "-f", "watched");

    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(followed.toString()).contains("  status  running"));
    assertThat(berth(new StringWriter(), "session", "stop", "watched")).isZero();

    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(followed.toString()).contains("  status  stopped"));
    String all = followed.toString();
    // The trail's events are printed once: the stream resumed after the last one shown.
    assertThat(all.lines().filter(l -> l.endsWith("  status  running")).count()).isEqualTo(1);
    assertThat(all.lines().filter(l -> l.contains("created from template")).count()).isEqualTo(1);
    assertThat(follow).as(err.toString()).isNotDone();
    follow.cancel(true);
  }

  @Test
  void eventsFollowWithoutAnIdSeesASessionCreatedAfterItStarted() {
    var followed = new StringWriter();
    var err = new StringWriter();
    CompletableFuture<Integer> follow = following(followed, err, "session", "events", "-f");
    // Said once the server subscribed the stream: what happens from then on is in it.
    await().atMost(WAIT).until(() -> err.toString().contains("following every session's events"));

    assertThat(berth(new StringWriter(), "session", "create", "--id", "later")).isZero();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(followed.toString())
                    .containsPattern("  later  status  created from template 'default'")
                    .contains("  later  status  running"));
    assertThat(follow).isNotDone();
    follow.cancel(true);
  }

  @Test
  void followingAnUnknownSessionIsAClearError() {
    var err = new StringWriter();
    assertThat(berth(new StringWriter(), err, "session", "events", "-f", "nosuch")).isEqualTo(1);
    assertThat(err.toString()).contains("no session 'nosuch'").contains("404");
    var usage = new StringWriter();
    assertThat(berth(new StringWriter(), usage, "session", "events")).isEqualTo(1);
    assertThat(usage.toString()).contains("name a session");
  }
}
