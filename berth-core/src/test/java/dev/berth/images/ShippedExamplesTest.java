package dev.berth.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.template.EgressPolicy;
import dev.berth.template.TemplateLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example templates shipped in {@code examples/} load and form the families they claim. The
 * internet-bound family cannot be built here (no registry, no internet); the offline one is built
 * by the Docker tests of the CLI module.
 */
class ShippedExamplesTest {
  private static Path examples(String folder) {
    // Tests run in the module's folder; the examples are at the repository's root.
    Path p = Path.of("..", "examples", folder).toAbsolutePath().normalize();
    assertThat(p).isDirectory();
    return p;
  }

  @Test
  void operationsRstudioJupyterAreOneFamily() {
    var catalog = TemplateLoader.load(examples("templates"));
    assertThat(catalog.names()).contains("operations", "rstudio", "jupyter");
    var graph = ImageGraph.of(catalog, "berth");
    assertThat(graph.buildOrder(List.of("jupyter"))).containsExactly("operations", "jupyter");
    assertThat(graph.buildOrder(List.of("rstudio"))).containsExactly("operations", "rstudio");
    assertThat(graph.buildOrder(List.of("operations")))
        .containsExactly("operations", "jupyter", "rstudio");
    assertThat(catalog.get("rstudio").app().ports()).containsExactly(8787);
    assertThat(catalog.get("jupyter").app().ports()).containsExactly(8888);
    assertThat(catalog.get("jupyter").parent()).isEmpty();
    for (String t : List.of("operations", "rstudio", "jupyter")) {
      assertThat(catalog.get(t).app().probe()).as(t + " has a health probe").isPresent();
    }
  }

  @Test
  void theOfflineExamplesBuildNothingFromTheInternet() throws Exception {
    var catalog = TemplateLoader.load(examples("offline-templates"));
    assertThat(catalog.names()).contains("busybox", "python-web");
    for (String t : List.of("busybox", "python-web")) {
      String dockerfile =
          Files.readString(catalog.get(t).image().build().orElseThrow().dockerfilePath());
      assertThat(dockerfile).as(t).doesNotContainPattern("(?im)^\\s*RUN\\s");
    }
  }

  @Test
  void theAgentExampleHasNoRouteOutAndRunsAsNonRootOnTheBusyboxImage() {
    var catalog = TemplateLoader.load(examples("offline-templates"));
    var agent = catalog.get("agent");
    assertThat(agent.parent()).hasValue("busybox");
    assertThat(agent.network().egress()).isEqualTo(EgressPolicy.NONE);
    assertThat(agent.app().ports()).isEmpty();
    assertThat(agent.container().nonRoot()).isTrue();
    assertThat(agent.image().build().orElseThrow().owner())
        .as("it runs its parent's image")
        .isEqualTo("busybox");
  }

  @Test
  void thePipelineExampleRunsTypedContainersOnTheDefaultImageWithATemplateVolume() {
    var catalog = TemplateLoader.load(examples("offline-templates"));
    var pipeline = catalog.get("pipeline");
    assertThat(pipeline.containers().types()).containsExactly("processor", "plugin", "merger");
    assertThat(pipeline.containers().auto()).hasSize(3);
    assertThat(pipeline.containers().inStartOrder())
        .as("every container runs the main image, Berth's default one: nothing to pull")
        .allSatisfy(c -> assertThat(c.image()).isEmpty());
    assertThat(pipeline.image().reference()).isEmpty();
    assertThat(pipeline.image().build()).isEmpty();
    assertThat(pipeline.containers().get("merger").orElseThrow().probe()).isPresent();
    var volume = pipeline.workspace().templateVolume().orElseThrow();
    assertThat(volume.path()).isEqualTo("/template");
    assertThat(volume.from().resolve("pipeline.conf")).isRegularFile();
  }
}
