package dev.berth.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pool: {size: N}}: read, not inherited, its mistakes named; and the templates a pool cannot
 * serve (apps that must know their session's path at start) refused when they load.
 */
class PoolKeyTest {
  @TempDir Path dir;

  private void template(String name, String yaml) throws IOException {
    Files.createDirectories(dir.resolve(name));
    Files.writeString(dir.resolve(name).resolve("template.yaml"), yaml);
  }

  @Test
  void theSizeIsReadAndAChildDoesNotInheritItsParentsPool() throws IOException {
    template("web", "shell: exec httpd -f -p 8000\nports: [8000]\npool: {size: 3}\n");
    template("child", "parent: web\n");
    template("plain", "ports: [80]\n");
    var catalog = TemplateLoader.load(dir);
    assertThat(catalog.get("web").pool()).isEqualTo(new PoolSettings(3));
    assertThat(catalog.get("child").pool()).isEqualTo(PoolSettings.NONE);
    assertThat(catalog.get("plain").pool().enabled()).isFalse();
  }

  @Test
  void aBadPoolIsNamed() throws IOException {
    template("nosize", "pool: {}\n");
    template("toobig", "pool: {size: 101}\n");
    template("typo", "pool: {size: 1, sise: 2}\n");
    assertThatThrownBy(() -> TemplateLoader.load(dir))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("'pool' needs 'size'")
        .hasMessageContaining("a whole number from 0 to 100")
        .hasMessageContaining("sise");
  }

  @Test
  void templatesWhoseAppMustKnowItsSessionAtStartAreRefusedAPool() throws IOException {
    template(
        "keeps",
        "command: [jupyter, notebook]\nports: [8888]\nproxy: {path: keep}\npool: {size: 1}\n");
    template("env", "command: [app]\nports: [80]\nproxy: {basePathEnv: BASE}\npool: {size: 1}\n");
    template(
        "argv", "command: [app, \"--base=${BERTH_BASE_PATH}\"]\nports: [80]\npool: {size: 1}\n");
    template(
        "probe",
        "command: [app]\nports: [80]\nprobe: {http: \"${BERTH_BASE_PATH}api\", port: 80}\n"
            + "pool: {size: 1}\n");
    template(
        "header",
        "command: [rserver]\nports: [8787]\nproxy: {basePathHeader: X-RStudio-Root-Path}\n"
            + "pool: {size: 1}\n");
    assertThatThrownBy(() -> TemplateLoader.load(dir))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("template 'keeps' has a pool")
        .hasMessageContaining("proxy.keepPrefix")
        .hasMessageContaining("template 'env' has a pool")
        .hasMessageContaining("$BASE")
        .hasMessageContaining("template 'argv' has a pool")
        .hasMessageContaining("template 'probe' has a pool")
        .hasMessageContaining("remove 'pool'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("'header'"));
  }

  @Test
  void aPooledSessionsAppIsGivenNoBasePathAndADirectOneItsOwn() {
    Template t =
        Template.builder("web").ports(java.util.List.of(80)).pool(new PoolSettings(1)).build();
    SessionId id = SessionId.of("s-1");
    assertThat(t.forRuntime(id, "s-1").container().env())
        .containsEntry(ProxySettings.BASE_PATH_ENV, "/s/s-1/");
    assertThat(t.forRuntime(id, "p-member").container().env())
        .doesNotContainKey(ProxySettings.BASE_PATH_ENV);
    assertThat(TemplateDefinition.fingerprint(t.forRuntime(id, "p-member")))
        .as("what a member is made from is what its session is recorded with")
        .isEqualTo(TemplateDefinition.fingerprint(t));
  }
}
