package dev.berth.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code network: {egress: ...}} key: read, inherited, checked, and part of the definition. */
class EgressPolicyTemplateTest {
  @TempDir Path dir;

  private void template(String name, String yaml) throws IOException {
    Files.createDirectories(dir.resolve(name));
    Files.writeString(dir.resolve(name).resolve("template.yaml"), yaml);
  }

  @Test
  void noneAllAndAllowListsAreReadAndInherited() throws IOException {
    template("closed", "network: {egress: none}\n");
    template("child", "parent: closed\n");
    template("open", "parent: closed\nnetwork: {egress: all}\n");
    template(
        "pypi",
        """
        network:
          egress:
            allow: [pypi.org:443, "files.pythonhosted.org:443", "10.1.2.3:8080", "[2001:db8::1]:443", PyPI.org:443]
        """);
    template("narrower", "parent: pypi\nnetwork: {egress: {allow: [pypi.org:443]}}\n");
    var catalog = TemplateLoader.load(dir);
    assertThat(catalog.get("default").network().egress()).isEqualTo(EgressPolicy.ALL);
    assertThat(catalog.get("closed").network().egress()).isEqualTo(EgressPolicy.NONE);
    assertThat(catalog.get("child").network().egress()).isEqualTo(EgressPolicy.NONE);
    assertThat(catalog.get("open").network().egress()).isEqualTo(EgressPolicy.ALL);
    var allow = (EgressPolicy.Allow) catalog.get("pypi").network().egress();
    assertThat(allow.destinations())
        .as("names are lower-cased and duplicates dropped")
        .containsExactly(
            new EgressDestination("pypi.org", 443),
            new EgressDestination("files.pythonhosted.org", 443),
            new EgressDestination("10.1.2.3", 8080),
            new EgressDestination("2001:db8::1", 443));
    assertThat(allow.permits("PYPI.org", 443)).isTrue();
    assertThat(allow.permits("pypi.org", 80)).isFalse();
    assertThat(allow.permits("[2001:db8::1]", 443)).isTrue();
    assertThat(((EgressPolicy.Allow) catalog.get("narrower").network().egress()).destinations())
        .as("a child's list replaces its parent's")
        .containsExactly(new EgressDestination("pypi.org", 443));
  }

  @Test
  void badPoliciesAndDestinationsAreNamedWhenTheTemplatesLoad() throws IOException {
    template("word", "network: {egress: some}\n");
    template("noport", "network: {egress: {allow: [pypi.org]}}\n");
    template("range", "network: {egress: {allow: [\"pypi.org:70000\"]}}\n");
    template("scheme", "network: {egress: {allow: [\"https://pypi.org:443\"]}}\n");
    template("v6", "network: {egress: {allow: [\"2001:db8::1:443\"]}}\n");
    template("empty", "network: {egress: {allow: []}}\n");
    template("typo", "network: {egres: none}\n");
    template("badhost", "network: {egress: {allow: [\"bad_host!:443\"]}}\n");
    template("mapping", "network: {egress: {deny: [a:1]}}\n");
    assertThatThrownBy(() -> TemplateLoader.load(dir))
        .hasMessageContaining("word/template.yaml: 'network.egress' must be none, all or {allow")
        .hasMessageContaining("'pypi.org' must be host:port")
        .hasMessageContaining("'pypi.org:70000': port must be 1-65535")
        .hasMessageContaining("'https://pypi.org:443' must be host:port (no scheme")
        .hasMessageContaining("write an IPv6 address in brackets")
        .hasMessageContaining("'network.egress.allow' is empty: write egress: none")
        .hasMessageContaining("unknown key 'egres'")
        .hasMessageContaining("'bad_host!' is neither a DNS name nor an IPv4 address")
        .hasMessageContaining("unknown key 'deny'");
  }

  @Test
  void aChangedPolicyChangesTheDefinitionAndAllKeepsTheOldFingerprint() {
    Template base = Template.builder("app").command(List.of("sleep", "60")).build();
    String before = TemplateDefinition.fingerprint(base);
    Template all = base.toBuilder().egress(EgressPolicy.ALL).build();
    Template none = base.toBuilder().egress(EgressPolicy.NONE).build();
    Template allowA =
        base.toBuilder()
            .egress(new EgressPolicy.Allow(List.of(EgressDestination.parse("a.example:443"))))
            .build();
    Template allowB =
        base.toBuilder()
            .egress(new EgressPolicy.Allow(List.of(EgressDestination.parse("b.example:443"))))
            .build();
    assertThat(TemplateDefinition.fingerprint(all))
        .as("egress all is what every template had before: its containers are not recreated")
        .isEqualTo(before);
    assertThat(
            List.of(
                TemplateDefinition.fingerprint(none),
                TemplateDefinition.fingerprint(allowA),
                TemplateDefinition.fingerprint(allowB)))
        .doesNotContain(before)
        .doesNotHaveDuplicates();
  }
}
