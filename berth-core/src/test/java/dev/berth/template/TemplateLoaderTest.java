package dev.berth.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
    assertThat(app.image().reference()).hasValue("berth/base:latest");
    assertThat(app.workspace().path()).isEqualTo("/home/user/work");
    assertThat(app.container().user()).hasValue("1000:1000");
    assertThat(app.container().env())
        .containsEntry("LANG", "C.UTF-8")
        .containsEntry("A", "from-app");
    assertThat(app.app().command()).containsExactly("python3", "-m", "http.server", "8000");
    assertThat(app.app().ports()).containsExactly(8000, 9000);
    assertThat(app.app().probe())
        .hasValue(new HealthProbe.Http(8000, "/health", Duration.ofSeconds(20)));
    assertThat(app.container().resources()).isEqualTo(new ResourceLimits(1.5, 1L << 30, 256));
    assertThat(app.lifetime().idleTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(app.lifetime().maxLifetime()).isEqualTo(Duration.ofHours(8));
    assertThat(app.container().capabilities()).containsExactly("NET_BIND_SERVICE");
    assertThat(app.workspace().skeleton()).hasValue(dir.resolve("app/skeleton"));
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
        ports: [8080]
        probe: {tcp: 8080, interval: 5s, timeout: 1s, failureThreshold: 4}
        cullAction: delete
        """);
    template("child", "parent: base\nrestart: {limit: 7}\n");
    template("plain", "description: defaults\n");
    var catalog = TemplateLoader.load(dir);
    Template base = catalog.get("base");
    assertThat(base.lifetime().restart())
        .isEqualTo(
            new RestartPolicy(
                RestartPolicy.Mode.ALWAYS, 3, Duration.ofSeconds(2), Duration.ofSeconds(30)));
    assertThat(base.app().health())
        .isEqualTo(new HealthCheck(Duration.ofSeconds(5), Duration.ofSeconds(1), 4));
    assertThat(base.lifetime().cullAction()).isEqualTo(CullAction.DELETE);
    Template child = catalog.get("child");
    assertThat(child.lifetime().restart())
        .as("fields not set in the child come from the parent")
        .isEqualTo(
            new RestartPolicy(
                RestartPolicy.Mode.ALWAYS, 7, Duration.ofSeconds(2), Duration.ofSeconds(30)));
    assertThat(child.app().health()).isEqualTo(base.app().health());
    assertThat(child.lifetime().cullAction()).isEqualTo(CullAction.DELETE);
    Template plain = catalog.get("plain");
    assertThat(plain.lifetime().restart()).isEqualTo(RestartPolicy.DEFAULT);
    assertThat(plain.app().health()).isEqualTo(HealthCheck.DEFAULT);
    assertThat(plain.lifetime().cullAction()).isEqualTo(CullAction.STOP);
    assertThat(RestartPolicy.DEFAULT.delay(0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(RestartPolicy.DEFAULT.delay(3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(RestartPolicy.DEFAULT.delay(30)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aProbeOnAPortTheTemplateDoesNotDeclareIsRefusedWhenItLoads() throws IOException {
    template("web", "command: [httpd]\nports: [8080]\nprobe: {http: /, port: 8080}\n");
    template("child", "parent: web\nprobe: {tcp: 9090}\n");
    template("inherits", "parent: web\nprobe: {tcp: 8080}\n");
    assertThatThrownBy(() -> TemplateLoader.load(dir))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("template 'child' probes port 9090")
        .hasMessageContaining("not among its ports [8080]")
        .hasMessageContaining("add 9090 to 'ports'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("'inherits'"));
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
  void allowedBackendsAreReadInheritedAndMustHoldTheDefaultBackend() throws IOException {
    template("gpu", "backend: k8s\nallowedBackends: [k8s, docker]\n");
    template("gpuchild", "parent: gpu\n");
    template("free", "backend: docker\n");
    var loaded = TemplateLoader.load(dir);
    assertThat(loaded.get("gpu").placement().allowedBackends()).containsExactly("k8s", "docker");
    assertThat(loaded.get("gpuchild").placement().allowedBackends())
        .containsExactly("k8s", "docker");
    assertThat(loaded.get("gpuchild").allowsBackend("local")).isFalse();
    assertThat(loaded.get("free").allowsBackend("local")).as("no list: any backend").isTrue();

    template("bad", "backend: local\nallowedBackends: [k8s]\n");
    assertThatThrownBy(() -> TemplateLoader.load(dir))
        .hasMessageContaining("'backend' local is not one of its 'allowedBackends' [k8s]");
  }

  @Test
  void theWorkspaceVolumeIsReadInheritedFieldByFieldAndChecked() throws IOException {
    template("data", "volume: {size: 50Gi, storageClass: fast-ssd}\n");
    template("bigger", "parent: data\nvolume: {size: 200Gi}\n");
    template("plain", "command: [sleep, '1']\n");
    var loaded = TemplateLoader.load(dir);
    assertThat(loaded.get("data").workspace().volume())
        .isEqualTo(new WorkspaceVolume(Optional.of("50Gi"), Optional.of("fast-ssd")));
    assertThat(loaded.get("bigger").workspace().volume())
        .as("its own size, the parent's class")
        .isEqualTo(new WorkspaceVolume(Optional.of("200Gi"), Optional.of("fast-ssd")));
    assertThat(loaded.get("plain").workspace().volume()).isEqualTo(WorkspaceVolume.DEFAULT);

    template("bad", "volume: {size: lots, storageClass: Fast_SSD, driver: x}\n");
    assertThatThrownBy(() -> TemplateLoader.load(dir))
        .hasMessageContaining("'volume.size' must be a size such as 10Gi or 500Mi (got lots)")
        .hasMessageContaining("'volume.storageClass' must be a Kubernetes storage class name")
        .hasMessageContaining("driver");
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

  @Test
  void aDockerfileMakesABuildThatChildrenWithoutOneInherit() throws IOException {
    template(
        "operations",
        """
        build:
          args: {R_VERSION: "4.3"}
          components: {vendor/agent: ../shared/agent, busybox: /bin/busybox}
          network: none
        """);
    Files.writeString(dir.resolve("operations/Dockerfile"), "FROM scratch\n");
    template("rstudio", "parent: operations\nports: [8787]\n");
    Files.writeString(dir.resolve("rstudio/Dockerfile"), "FROM ${BERTH_IMAGE_OPERATIONS}\n");
    template("rstudio-big", "parent: rstudio\nresources: {memory: 8g}\n");
    template("external", "parent: rstudio\nimage: example/other:1\n");
    var catalog = TemplateLoader.load(dir);

    var ops = catalog.get("operations");
    assertThat(ops.buildsOwnImage()).isTrue();
    ImageBuild b = ops.image().build().orElseThrow();
    assertThat(b.context()).isEqualTo(dir.resolve("operations"));
    assertThat(b.dockerfile()).isEqualTo("Dockerfile");
    assertThat(b.args()).containsEntry("R_VERSION", "4.3");
    assertThat(b.components())
        .containsEntry("vendor/agent", dir.resolve("shared/agent"))
        .containsEntry("busybox", Path.of("/bin/busybox"));
    assertThat(b.network()).hasValue("none");

    assertThat(catalog.get("rstudio").image().build().orElseThrow().owner()).isEqualTo("rstudio");
    var big = catalog.get("rstudio-big");
    assertThat(big.buildsOwnImage()).isFalse();
    assertThat(big.image().build().orElseThrow().owner()).isEqualTo("rstudio");
    assertThat(big.app().ports()).containsExactly(8787);
    var external = catalog.get("external");
    assertThat(external.image().build()).isEmpty();
    assertThat(external.image().reference()).hasValue("example/other:1");
  }

  @Test
  void buildMistakesAreNamed() throws IOException {
    template("both", "image: x/y:1\n");
    Files.writeString(dir.resolve("both/Dockerfile"), "FROM scratch\n");
    template("nofile", "build: {args: {A: b}}\n");
    template("escape", "build: {dockerfile: ../both/Dockerfile}\n");
    template("badpart", "build: {components: {/etc/x: a, ../up: b}, tags: [x]}\n");
    Files.writeString(dir.resolve("badpart/Dockerfile"), "FROM scratch\n");
    assertThatThrownBy(() -> TemplateLoader.load(dir))
        .hasMessageContaining("both/template.yaml: give either 'image'")
        .hasMessageContaining("nofile/template.yaml: 'build' is set but there is no Dockerfile")
        .hasMessageContaining("escape/template.yaml: 'build.dockerfile' must be a file inside")
        .hasMessageContaining("'build.components' key '/etc/x' must be a relative path")
        .hasMessageContaining("'build.components' key '../up' must be a relative path")
        .hasMessageContaining("unknown key 'tags'");
  }

  @Test
  void theSharedSkeletonSeedsEveryTemplateWithoutItsOwn() throws IOException {
    Files.createDirectories(dir.resolve("skeleton"));
    template("plain", "description: no skeleton of its own\n");
    template("own", "description: has one\n");
    Files.createDirectories(dir.resolve("own/skeleton"));
    template("child", "parent: own\n");
    var catalog = TemplateLoader.load(dir);
    assertThat(catalog.names()).containsExactly("child", "default", "own", "plain");
    assertThat(catalog.get("default").workspace().skeleton()).hasValue(dir.resolve("skeleton"));
    assertThat(catalog.get("plain").workspace().skeleton()).hasValue(dir.resolve("skeleton"));
    assertThat(catalog.get("own").workspace().skeleton()).hasValue(dir.resolve("own/skeleton"));
    assertThat(catalog.get("child").workspace().skeleton()).hasValue(dir.resolve("own/skeleton"));
  }

  @Test
  void proxySettingsAreReadInheritedAndGiveTheAppItsBasePath() throws IOException {
    template(
        "jupyter",
        """
        command: [jupyter, notebook, "--NotebookApp.base_url=${BERTH_BASE_PATH}"]
        ports: [8888, 8787]
        proxy: {path: keep, basePathEnv: JUPYTER_BASE_URL}
        """);
    template(
        "rstudio",
        """
        parent: jupyter
        proxy: {basePathHeader: X-RStudio-Root-Path}
        """);
    template("plain", "ports: [80]\n");
    var catalog = TemplateLoader.load(dir);
    var jupyter = catalog.get("jupyter");
    assertThat(jupyter.app().proxy())
        .isEqualTo(
            new ProxySettings(
                true, java.util.Optional.of("JUPYTER_BASE_URL"), java.util.Optional.empty()));
    assertThat(catalog.get("rstudio").app().proxy())
        .isEqualTo(
            new ProxySettings(
                false, java.util.Optional.empty(), java.util.Optional.of("X-RStudio-Root-Path")));
    assertThat(catalog.get("plain").app().proxy()).isEqualTo(ProxySettings.DEFAULT);

    var forSession = jupyter.forSession(dev.berth.base.SessionId.of("nb1"));
    assertThat(forSession.app().command())
        .containsExactly("jupyter", "notebook", "--NotebookApp.base_url=/s/nb1/");
    assertThat(forSession.container().env())
        .containsEntry("BERTH_BASE_PATH", "/s/nb1/")
        .containsEntry("BERTH_BASE_PATH_8787", "/s/nb1/port/8787/")
        .containsEntry("JUPYTER_BASE_URL", "/s/nb1/");
    var noPorts = catalog.get("default");
    assertThat(noPorts.forSession(dev.berth.base.SessionId.of("x"))).isSameAs(noPorts);
  }

  @Test
  void badProxySettingsAreNamed() throws IOException {
    template(
        "bad",
        """
        proxy: {path: sideways, basePathEnv: "1X", basePathHeader: Cookie, extra: 1}
        """);
    assertThatThrownBy(() -> TemplateLoader.load(dir))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("'proxy.path' must be 'strip' or 'keep' (got sideways)")
        .hasMessageContaining("'proxy.basePathEnv' must be an environment variable name (got 1X)")
        .hasMessageContaining("'proxy.basePathHeader' cannot be Cookie")
        .hasMessageContaining("extra");
  }
}
