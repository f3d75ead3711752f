package dev.berth.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.session.BerthException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateLoaderTest {
  @TempDir Path dir;

  private void template(String name, String yaml) throws IOException {
    Files.createDirectories(dir.resolve(name));
    Files.writeString(dir.resolve(name).resolve("template.yaml"), yaml);
  }

  @Test
  void aMissingDirectoryGivesTheBuiltInDefault() {
    var catalog = TemplateLoader.load(dir.resolve("nope"));
    assertThat(catalog.names()).containsExactly("default");
    assertThat(catalog.get("default").hasApp()).isFalse();
  }

  @Test
  void loadsEveryFieldAndInheritsFromTheParent() throws IOException {
    template(
        "base",
        """
        description: a base
        image: berth/base:latest
        workspace: /home/user/work
        user: "1000:1000"
        env: {LANG: C.UTF-8, A: from-base}
        resources: {cpus: 1.5, memory: 512m, pids: 256}
        idleTimeout: 30m
        capabilities: [NET_BIND_SERVICE]
        """);
    template(
        "app",
        """
        parent: base
        command: [python3, -m, http.server, "8000"]
        env: {A: from-app}
        ports: [8000, 9000]
        probe: {http: /health, port: 8000, startTimeout: 20s}
        resources: {memory: 1g}
        maxLifetime: 8h
        """);
    Files.createDirectories(dir.resolve("app/skeleton"));
    var app = TemplateLoader.load(dir).get("app");
    assertThat(app.parent()).hasValue("base");
    assertThat(app.image()).hasValue("berth/base:latest");
    assertThat(app.workspacePath()).isEqualTo("/home/user/work");
    assertThat(app.user()).hasValue("1000:1000");
    assertThat(app.env()).containsEntry("LANG", "C.UTF-8").containsEntry("A", "from-app");
    assertThat(app.command()).containsExactly("python3", "-m", "http.server", "8000");
    assertThat(app.ports()).containsExactly(8000, 9000);
    assertThat(app.probe()).hasValue(new HealthProbe.Http(8000, "/health", Duration.ofSeconds(20)));
    assertThat(app.resources()).isEqualTo(new ResourceLimits(1.5, 1L << 30, 256));
    assertThat(app.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(app.maxLifetime()).isEqualTo(Duration.ofHours(8));
    assertThat(app.capabilities()).containsExactly("NET_BIND_SERVICE");
    assertThat(app.skeleton()).hasValue(dir.resolve("app/skeleton"));
  }

  @Test
  void unknownKeysAndBadValuesAreAllReportedByName() throws IOException {
    template(
        "bad",
        """
        comand: [oops]
        ports: [0, http]
        resources: {memory: lots, cpu: 2}
        idleTimeout: forever
        workspace: relative/path
        probe: {tcp: 80, http: /}
        """);
    assertThatThrownBy(() -> TemplateLoader.load(dir))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("unknown key 'comand'")
        .hasMessageContaining("'ports' must be port numbers")
        .hasMessageContaining("'memory'")
        .hasMessageContaining("unknown key 'cpu'")
        .hasMessageContaining("'idleTimeout'")
        .hasMessageContaining("'workspace' must be an absolute path")
        .hasMessageContaining("exactly one of http");
  }

  @Test
  void restartPolicyHealthCheckAndCullActionAreReadAndInherited() throws IOException {
    template(
        "base",
        """
        restart: {policy: always, limit: 3, backoff: 2s, maxBackoff: 30s}
        probe: {tcp: 8080, interval: 5s, timeout: 1s, failureThreshold: 4}
        cullAction: delete
        """);
    template("child", "parent: base\nrestart: {limit: 7}\n");
    template("plain", "description: defaults\n");
    var catalog = TemplateLoader.load(dir);
    Template base = catalog.get("base");
    assertThat(base.restart())
        .isEqualTo(
            new RestartPolicy(
                RestartPolicy.Mode.ALWAYS, 3, Duration.ofSeconds(2), Duration.ofSeconds(30)));
    assertThat(base.health())
        .isEqualTo(new HealthCheck(Duration.ofSeconds(5), Duration.ofSeconds(1), 4));
    assertThat(base.cullAction()).isEqualTo(CullAction.DELETE);
    Template child = catalog.get("child");
    assertThat(child.restart())
        .as("fields not set in the child come from the parent")
        .isEqualTo(
            new RestartPolicy(
                RestartPolicy.Mode.ALWAYS, 7, Duration.ofSeconds(2), Duration.ofSeconds(30)));
    assertThat(child.health()).isEqualTo(base.health());
    assertThat(child.cullAction()).isEqualTo(CullAction.DELETE);
    Template plain = catalog.get("plain");
    assertThat(plain.restart()).isEqualTo(RestartPolicy.DEFAULT);
    assertThat(plain.health()).isEqualTo(HealthCheck.DEFAULT);
    assertThat(plain.cullAction()).isEqualTo(CullAction.STOP);
    assertThat(RestartPolicy.DEFAULT.delay(0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(RestartPolicy.DEFAULT.delay(3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(RestartPolicy.DEFAULT.delay(30)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void badRestartAndCullValuesAreNamed() throws IOException {
    template(
        "bad",
        """
        restart: {policy: sometimes, limit: -1, backoff: 0s, jitter: yes}
        probe: {tcp: 80, failureThreshold: 0}
        cullAction: archive
        """);
    assertThatThrownBy(() -> TemplateLoader.load(dir))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("restart 'policy' must be on-failure, always or never")
        .hasMessageContaining("limit")
        .hasMessageContaining("'backoff' must be more than 0")
        .hasMessageContaining("jitter")
        .hasMessageContaining("failureThreshold")
        .hasMessageContaining("'cullAction' must be 'stop' or 'delete' (got 'archive')");
  }

  @Test
  void aMissingParentIsNamed() throws IOException {
    template("child", "parent: ghost\n");
    assertThatThrownBy(() -> TemplateLoader.load(dir))
        .hasMessageContaining("template 'child' names parent 'ghost'");
  }

  @Test
  void aCycleIsNamedWithEveryTemplateInIt() throws IOException {
    template("a", "parent: b\n");
    template("b", "parent: c\n");
    template("c", "parent: a\n");
    assertThatThrownBy(() -> TemplateLoader.load(dir))
        .hasMessageContaining("cycle")
        .hasMessageContaining("a -> b -> c -> a");
  }

  @Test
  void folderNamesMustBeDnsLabels() throws IOException {
    template("Bad_Name", "description: x\n");
    assertThatThrownBy(() -> TemplateLoader.load(dir)).hasMessageContaining("'Bad_Name'");
  }

  @Test
  void unknownTemplatesAre404WithTheKnownNames() {
    var catalog = TemplateLoader.load(dir);
    assertThatThrownBy(() -> catalog.get("nope"))
        .hasMessageContaining("unknown template 'nope'")
        .hasMessageContaining(List.of("default").toString());
  }
}
