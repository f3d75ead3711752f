package dev.berth.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The variables of an http probe's path: loaded as written, expanded per session, bad ones named.
 */
class ProbePathsTest {
  @TempDir Path dir;

  private Template load(String yaml) throws IOException {
    Files.createDirectories(dir.resolve("app"));
    Files.writeString(dir.resolve("app/template.yaml"), yaml);
    return TemplateLoader.load(dir).get("app");
  }

  private static String probedPath(Template t, String session) {
    return ((HealthProbe.Http) t.forSession(SessionId.of(session)).app().probe().orElseThrow())
        .path();
  }

  @Test
  void aProbePathMayUseTheSessionsBasePathsAndIdAndIsExpandedPerSession() throws IOException {
    Template t =
        load(
            """
            command: [app]
            ports: [8888, 9000]
            proxy: {path: keep}
            probe: {http: "${BERTH_BASE_PATH}api", port: 8888}
            """);
    assertThat(t.app().probe())
        .as("the template keeps the path as written, without a leading slash added")
        .hasValue(new HealthProbe.Http(8888, "${BERTH_BASE_PATH}api", Duration.ofSeconds(60)));
    assertThat(probedPath(t, "nb1")).isEqualTo("/s/nb1/api");
    assertThat(probedPath(t, "nb2")).isEqualTo("/s/nb2/api");

    Template other =
        load(
            """
            command: [app]
            ports: [8888, 9000]
            probe: {http: "${BERTH_SESSION_ID}/up?from=${BERTH_BASE_PATH_9000}", port: 9000}
            """);
    assertThat(probedPath(other, "nb1")).isEqualTo("/nb1/up?from=/s/nb1/port/9000/");
  }

  @Test
  void aPlainPathIsUnchangedAndGetsItsSlash() throws IOException {
    Template t = load("command: [app]\nports: [80]\nprobe: {http: healthz, port: 80}\n");
    assertThat(probedPath(t, "x")).isEqualTo("/healthz");
  }

  @Test
  void anUnknownVariableOrSomethingThatIsNotAPathIsRefusedAtLoad() throws IOException {
    assertThatThrownBy(
            () ->
                load(
                    """
                    command: [app]
                    ports: [80]
                    probe: {http: "${JUPYTER_TOKEN}/api", port: 80}
                    """))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("${JUPYTER_TOKEN}")
        .hasMessageContaining(
            "${BERTH_BASE_PATH}, ${BERTH_BASE_PATH_<port>} and ${BERTH_SESSION_ID}");
    assertThat(ProbePaths.problem(ProbePaths.normalize("a b"))).get().asString().contains("'/a b'");
    assertThat(ProbePaths.problem("//evil.example/x")).isPresent();
    assertThat(ProbePaths.problem("/x#frag")).isPresent();
    assertThat(ProbePaths.problem("${BERTH_BASE_PATH")).isPresent();
    assertThat(ProbePaths.problem("/healthz?ready=1")).isEmpty();
  }
}
