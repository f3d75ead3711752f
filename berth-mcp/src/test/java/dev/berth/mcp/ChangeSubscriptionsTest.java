package dev.berth.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.auth.Principal;
import dev.berth.base.SessionId;
import dev.berth.mcp.tools.ChangesResource;
import dev.berth.mcp.tools.ToolFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A followed session has one watcher while anybody subscribes to its changes resource, and none
 * after the last subscriber left by any way: unsubscribe, its MCP session closed, or gone without a
 * word (no longer live); on the local backend. What a client sees is tested with the TypeScript SDK
 * (McpTypeScriptSdkTest, changes.mjs).
 */
class ChangeSubscriptionsTest {
  private static final Duration WITHIN = Duration.ofSeconds(20);
  @TempDir Path home;

  @Test
  void aWatcherLivesExactlyAsLongAsItsSubscribers() {
    try (var f = new ToolFixture(home)) {
      SessionId id = f.session("followed");
      String uri = ChangesResource.uriOf(id);
      Set<String> live = ConcurrentHashMap.newKeySet();
      List<String> told = new CopyOnWriteArrayList<>();
      try (var subs =
          new ChangeSubscriptions(f.workspace, new ChangesResource(f.sessions), live::contains)) {
        subs.notifyWith(told::add);
        live.addAll(List.of("m1", "m2", "m3"));

        subs.subscribed("m1", uri);
        subs.subscribed("m2", uri);
        assertThat(subs.watching()).as("one watcher for two subscribers").isEqualTo(1);
        f.write(id, "a.txt", "x");
        await().atMost(WITHIN).until(() -> told.contains(uri));

        subs.unsubscribed("m1", uri);
        assertThat(subs.watching()).as("m2 still follows").isEqualTo(1);
        subs.closed("m2");
        await().atMost(WITHIN).until(() -> subs.watching() == 0);

        subs.subscribed("m3", uri);
        assertThat(subs.watching()).isEqualTo(1);
        live.remove("m3"); // expired, or Berth forgot it: nobody says so
        f.write(id, "b.txt", "x"); // the watcher wakes, and finds nobody left
        await().atMost(WITHIN).until(() -> subs.watching() == 0);
      }
    }
  }

  @Test
  void whatCannotBeFollowedIsRefusedInWordsAndTheCapHolds() {
    try (var f = new ToolFixture(home)) {
      var subs = new ChangeSubscriptions(f.workspace, new ChangesResource(f.sessions), s -> true);
      Principal admin = new Principal.Admin();
      assertThat(subs.refusal(admin, "m", "berth://sessions/nosuch/changes"))
          .hasValueSatisfying(why -> assertThat(why).contains("no session 'nosuch'"));
      assertThat(subs.refusal(admin, "m", "file:///etc/passwd"))
          .hasValueSatisfying(why -> assertThat(why).contains(ChangesResource.TEMPLATE));
      assertThat(subs.refusal(null, "m", "berth://sessions/x/changes"))
          .hasValueSatisfying(why -> assertThat(why).contains("not authenticated"));

      for (int i = 0; i < ChangeSubscriptions.PER_MCP_SESSION; i++) {
        String uri = ChangesResource.uriOf(f.session("s" + i));
        assertThat(subs.refusal(admin, "m", uri)).as("subscription " + i).isEmpty();
        subs.subscribed("m", uri);
      }
      String one = ChangesResource.uriOf(f.session("one-more"));
      assertThat(subs.refusal(admin, "m", one))
          .hasValueSatisfying(
              why -> assertThat(why).contains("16 sessions' changes", "unsubscribe"));
      assertThat(subs.refusal(admin, "other", one)).as("the cap is per MCP session").isEmpty();
      subs.close();
      await().atMost(WITHIN).until(() -> subs.watching() == 0);
    }
  }
}
