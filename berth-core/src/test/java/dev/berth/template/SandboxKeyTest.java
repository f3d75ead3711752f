package dev.berth.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code sandbox} key: read, inherited, checked, and part of the definition. */
class SandboxKeyTest {
  @TempDir Path dir;

  private void template(String name, String yaml) throws IOException {
    Files.createDirectories(dir.resolve(name));
    Files.writeString(dir.resolve(name).resolve("template.yaml"), yaml);
  }

  @Test
  void sandboxIsReadAndInheritedAndRuncByDefault() throws IOException {
    template("untrusted", "sandbox: gvisor\n");
    template("agent", "parent: untrusted\ncommand: [sleep, '60']\n");
    template("trusted", "parent: untrusted\nsandbox: runc\n");
    template("plain", "command: [sleep, '60']\n");
    var loaded = TemplateLoader.load(dir);
    assertThat(loaded.get("untrusted").isolation().sandbox()).isEqualTo(Sandbox.GVISOR);
    assertThat(loaded.get("agent").isolation().sandbox()).isEqualTo(Sandbox.GVISOR);
    assertThat(loaded.get("trusted").isolation().sandbox()).isEqualTo(Sandbox.RUNC);
    assertThat(loaded.get("plain").isolation().sandbox()).isEqualTo(Sandbox.RUNC);
    assertThat(Template.builtinDefault().isolation()).isEqualTo(IsolationSettings.DEFAULT);
  }

  @Test
  void anUnknownSandboxIsNamedWithTheChoices() throws IOException {
    template("bad", "sandbox: kata\n");
    assertThatThrownBy(() -> TemplateLoader.load(dir))
        .hasMessageContaining("bad")
        .hasMessageContaining("'sandbox' must be one of runc, gvisor (got 'kata')");
  }

  @Test
  void aChangedSandboxChangesTheDefinitionAndRuncLeavesOldFingerprintsAlone() {
    Template base = Template.builder("app").command(List.of("sleep", "60")).build();
    String fingerprint = TemplateDefinition.fingerprint(base);
    assertThat(TemplateDefinition.fingerprint(base.toBuilder().sandbox(Sandbox.GVISOR).build()))
        .as("a template moved to gVisor recreates its container at the next start")
        .isNotEqualTo(fingerprint);
    assertThat(TemplateDefinition.fingerprint(base.toBuilder().sandbox(Sandbox.RUNC).build()))
        .isEqualTo(fingerprint);
    // Pinned: the fingerprint of a template without the key is what it was before the key
    // existed, so an upgrade does not recreate every container.
    assertThat(fingerprint)
        .isEqualTo("b2d9ab9919508e0becf3db9f0796d9220472812a85cc7ab5cb6108930bd1b19b");
  }
}
