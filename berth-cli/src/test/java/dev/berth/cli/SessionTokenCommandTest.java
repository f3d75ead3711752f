package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth session token ID} against a real server: the user whose create was interrupted gets
 * a token, and {@code berth session events --incarnation} reads a deleted session's trail.
 */
class SessionTokenCommandTest {
  private static final Pattern TOKEN = Pattern.compile("berth_s_[A-Za-z0-9_-]+");

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

  private record Run(int code, String out, String err) {}

  private Run berth(Map<String, String> environment, String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    int code =
        BerthCli.run(args, environment, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private Run berth(String... args) {
    return berth(env, args);
  }

  private Map<String, String> withToken(String token) {
    Map<String, String> e = new HashMap<>(env);
    e.put("BERTH_TOKEN", token);
    return e;
  }

  private static String token(String output) {
    Matcher m = TOKEN.matcher(output);
    assertThat(m.find()).as(output).isTrue();
    return m.group();
  }

  @Test
  void theTokenCommandPrintsANewTokenAndTheOldOneStopsWorking() {
    Run create = berth("session", "create", "--id", "cut");
    assertThat(create.code()).as(create.err()).isZero();
    String old = token(create.out());

    Run rotated = berth("session", "token", "cut");
    assertThat(rotated.code()).as(rotated.err()).isZero();
    assertThat(rotated.out()).contains("new token for session cut");
    String fresh = token(rotated.out());
    assertThat(fresh).isNotEqualTo(old);

    Run byOld = berth(withToken(old), "session", "show", "cut");
    assertThat(byOld.code()).isEqualTo(1);
    assertThat(byOld.err()).contains("401");
    assertThat(berth(withToken(fresh), "session", "show", "cut").out()).contains("RUNNING");

    // The session's own token may rotate itself; --json gives the server's answer.
    Run json = berth(withToken(fresh), "session", "token", "cut", "--json");
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(json.out()).contains("\"session\" : \"cut\"").contains("\"token\" : \"berth_s_");

    Run unknown = berth("session", "token", "ghost");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("no session 'ghost'").contains("404");
  }

  @Test
  void theEventsOfAnEarlierSessionWithTheIdAreTheAdminsByIncarnation() {
    assertThat(berth("session", "create", "--id", "again").code()).isZero();
    assertThat(berth("session", "rm", "again").code()).isZero();
    String token = token(berth("session", "create", "--id", "again").out());

    Run current = berth("session", "events", "again");
    assertThat(current.out()).contains("created from template").doesNotContain("cleanup");
    Run earlier = berth("session", "events", "again", "--incarnation", "1");
    assertThat(earlier.code()).as(earlier.err()).isZero();
    assertThat(earlier.out()).contains("cleanup");
    Run refused = berth(withToken(token), "session", "events", "again", "--incarnation", "1");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("403");
  }
}
