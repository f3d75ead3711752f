package dev.berth.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code containers.<type>.template: <name>}: the container runs the image Berth builds from that
 * template of the family, resolved at load to the template whose Dockerfile builds it; a name that
 * is no template, one without a Dockerfile, one that does not load, and {@code image} beside it are
 * refused at load with the container and the template named.
 */
class ContainerTemplatesTest {
  @TempDir Path dir;

  private void template(String name, String yaml, boolean dockerfile) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(name));
    Files.writeString(folder.resolve("template.yaml"), yaml);
    if (dockerfile) {
      Files.writeString(folder.resolve("Dockerfile"), "FROM scratch\n");
    }
  }

  @Test
  void aContainerRunsTheImageBuiltFromTheNamedTemplateOrItsAncestor() throws IOException {
    template("plugin-img", "description: built\n", true);
    template("child-img", "parent: plugin-img\n", false);
    template(
        "pipe",
        """
        containers:
          direct: {template: plugin-img}
          inherited: {template: child-img}
          plain: {command: ['true']}
        """,
        false);
    template("pipe-child", "parent: pipe\n", false);
    var loaded = TemplateLoader.loadReporting(dir);
    assertThat(loaded.problems()).isEmpty();
    Template pipe = loaded.catalog().get("pipe");
    ContainerTemplateImage direct =
        pipe.containers().get("direct").orElseThrow().templateImage().get();
    assertThat(direct.template()).isEqualTo("plugin-img");
    assertThat(direct.owner()).contains("plugin-img");
    assertThat(direct.build().orElseThrow().context()).isEqualTo(dir.resolve("plugin-img"));
    ContainerTemplateImage inherited =
        pipe.containers().get("inherited").orElseThrow().templateImage().get();
    assertThat(inherited.template()).isEqualTo("child-img");
    assertThat(inherited.owner()).as("the parent's Dockerfile builds it").contains("plugin-img");
    assertThat(pipe.containers().get("plain").orElseThrow().templateImage()).isEmpty();
    assertThat(
            loaded
                .catalog()
                .get("pipe-child")
                .containers()
                .get("direct")
                .orElseThrow()
                .templateImage()
                .flatMap(ContainerTemplateImage::owner))
        .as("an inherited container is resolved too")
        .contains("plugin-img");
  }

  @Test
  void theBuildingTemplateIsPartOfTheContainersFingerprint() throws IOException {
    template("plugin-img", "description: built\n", true);
    template("pipe", "containers:\n  p: {template: plugin-img}\n", false);
    template("same", "containers:\n  p: {}\n", false);
    var catalog = TemplateLoader.load(dir);
    Template pipe = catalog.get("pipe");
    Template same = catalog.get("same");
    assertThat(TemplateDefinition.fingerprint(pipe, pipe.containers().get("p").orElseThrow()))
        .isNotEqualTo(
            TemplateDefinition.fingerprint(same, same.containers().get("p").orElseThrow()));
    SessionContainer unchanged = SessionContainer.of("p", List.of());
    assertThat(TemplateDefinition.fingerprint(same, unchanged))
        .as("a container without the key keeps its fingerprint")
        .isEqualTo(
            TemplateDefinition.fingerprint(same, unchanged.withTemplateImage(Optional.empty())));
  }

  @Test
  void badNamesAndBadCombinationsAreRefusedAtLoadNamingContainerAndTemplate() throws IOException {
    template("plugin-img", "description: built\n", true);
    template("no-dockerfile", "command: [sleep, '60']\n", false);
    template("broken", "nonsense: 1\n", true);
    template("both", "containers:\n  p: {image: 'x:1', template: plugin-img}\n", false);
    template("ghost", "containers:\n  p: {template: nowhere}\n", false);
    template("plain", "containers:\n  p: {template: no-dockerfile}\n", false);
    template("builtin", "containers:\n  p: {template: default}\n", false);
    template("on-broken", "containers:\n  p: {template: broken}\n", false);
    template("inherits-ghost", "parent: ghost\n", false);
    template("child-of-ghost", "parent: ghost\ncontainers:\n  q: {command: ['true']}\n", false);
    var loaded = TemplateLoader.loadReporting(dir);
    for (String refused :
        List.of(
            "both", "ghost", "plain", "builtin", "on-broken", "inherits-ghost", "child-of-ghost")) {
      assertThat(loaded.catalog().find(refused)).as(refused).isEmpty();
    }
    assertThat(loaded.catalog().find("plugin-img")).isPresent();
    assertThat(loaded.catalog().find("no-dockerfile")).isPresent();
    String all = loaded.problems().toString();
    assertThat(all)
        .contains(
            "containers.p: give either 'image' (an image on the engine) or 'template' (the image"
                + " Berth builds from that template's Dockerfile), not both")
        .contains(
            "template 'ghost': container 'p' runs the image Berth builds from template 'nowhere',"
                + " which is not a template; templates with a Dockerfile: [plugin-img]")
        .contains(
            "template 'plain': container 'p' runs the image Berth builds from template"
                + " 'no-dockerfile', which has no Dockerfile")
        .contains(
            "template 'builtin': container 'p' runs the image Berth builds from template"
                + " 'default', which has no Dockerfile")
        .contains(
            "template 'on-broken': container 'p' runs the image Berth builds from template"
                + " 'broken', which does not load (fix 'broken' first)")
        .contains(
            "template 'inherits-ghost': container 'p' runs the image Berth builds from template"
                + " 'nowhere'")
        .contains(
            "template 'child-of-ghost' builds on parent 'ghost', which does not load (fix 'ghost'"
                + " first)");
  }
}
