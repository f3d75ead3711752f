package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.server.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
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
  void start() throws Exception {
    // An app that writes a line each time the workspace gets a file named "poke".
    Path poked = Files.createDirectories(home.resolve("templates").resolve("poked"));
    Files.writeString(
        poked.resolve("template.yaml"),
        "shell: 'echo started; while :; do if [ -f poke ]; then rm -f poke; echo poked; fi;"
            + " sleep 0.1; done'\n");
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
  void logsFollowSeesALineWrittenAfterItStartedAndEndsWhenTheAppStops() throws Exception {
    var created = new StringWriter();
    assertThat(berth(created, created, "session", "create", "--id", "logged", "-t", "poked"))
        .as(created.toString())
        .isZero();
    var followed = new StringWriter();
    var err = new StringWriter();
    CompletableFuture<Integer> follow = following(followed, err, "session", "logs", "-f", "logged");
    // What the app wrote before: the log's last lines.
    await().atMost(WAIT).until(() -> followed.toString().contains("started\n"));
    assertThat(followed.toString()).doesNotContain("poked");

    assertThat(berth(new StringWriter(), "session", "exec", "logged", "--", "touch", "poke"))
        .isZero();
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(followed.toString()).isEqualTo("started\npoked\n"));
    assertThat(follow).isNotDone();

    assertThat(berth(new StringWriter(), "session", "stop", "logged")).isZero();
    assertThat(follow.get(30, java.util.concurrent.TimeUnit.SECONDS)).as(err.toString()).isZero();
    assertThat(err.toString()).contains("berth: the log ended: the session's app is not running");
  }

  @Test
  void followingAnUnknownSessionIsAClearError() {
    var err = new StringWriter();
    assertThat(berth(new StringWriter(), err, "session", "events", "-f", "nosuch")).isEqualTo(1);
    assertThat(err.toString()).contains("no session 'nosuch'").contains("404");
    var logs = new StringWriter();
    assertThat(berth(new StringWriter(), logs, "session", "logs", "-f", "nosuch")).isEqualTo(1);
    assertThat(logs.toString()).contains("no session 'nosuch'").contains("404");
    var usage = new StringWriter();
    assertThat(berth(new StringWriter(), usage, "session", "events")).isEqualTo(1);
    assertThat(usage.toString()).contains("name a session");
  }
}
