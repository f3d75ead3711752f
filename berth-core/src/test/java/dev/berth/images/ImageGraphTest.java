package dev.berth.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageGraphTest {
  // The shape of the shipped examples: rstudio names its parent and builds FROM it; jupyter names
  // no parent and copies the libraries out of operations through a FROM ... AS stage.
  private static final Map<String, String> FAMILY =
      Map.of(
          "operations",
          "FROM debian:bookworm\nRUN apt-get install -y r-base\n",
          "rstudio",
          "ARG BERTH_IMAGE_OPERATIONS\nFROM ${BERTH_IMAGE_OPERATIONS}\nRUN install-rstudio\n",
          "jupyter",
          """
          ARG BERTH_IMAGE_OPERATIONS
          FROM $BERTH_IMAGE_OPERATIONS AS operations
          FROM debian:bookworm
          COPY --from=operations /usr/local/lib/R /usr/local/lib/R
          """,
          "plain",
          "FROM scratch\nCOPY x /x\n");

  private static ImageGraph family() {
    return ImageGraph.of(FAMILY, Map.of("rstudio", "operations"), "berth");
  }

  @Test
  void buildingAChildAloneBuildsItsAncestorsFirst() {
    assertThat(family().buildOrder(List.of("jupyter"))).containsExactly("operations", "jupyter");
    assertThat(family().dependenciesOf("jupyter")).containsExactly("operations");
  }

  @Test
  void buildingAParentRebuildsItsChildrenAfterIt() {
    assertThat(family().buildOrder(List.of("operations")))
        .containsExactly("operations", "jupyter", "rstudio");
  }

  @Test
  void noNamesBuildsEveryImageWithParentsFirst() {
    assertThat(family().buildOrder(List.of()))
        .containsExactly("operations", "jupyter", "plain", "rstudio");
  }

  @Test
  void literalImageNamesWithThePrefixAreDependenciesToo() {
    var graph =
        ImageGraph.of(
            Map.of(
                "base", "FROM scratch\n",
                "child", "FROM berth/base:latest\n",
                "other", "FROM otherprefix/base\nCOPY --from=berth/child /a /a\n"),
            Map.of(),
            "berth");
    assertThat(graph.dependenciesOf("child")).containsExactly("base");
    assertThat(graph.dependenciesOf("other")).containsExactly("child");
    assertThat(graph.buildOrder(List.of("other"))).containsExactly("base", "child", "other");
  }

  @Test
  void continuationLinesFlagsAndCommentsAreRead() {
    var graph =
        ImageGraph.of(
            Map.of(
                "base", "FROM scratch\n",
                "child",
                    "# FROM berth/nothing\nfrom --platform=linux/amd64 \\\n  ${BERTH_IMAGE_BASE} as b\n"),
            Map.of(),
            "berth");
    assertThat(graph.dependenciesOf("child")).containsExactly("base");
  }

  @Test
  void aCycleIsAnErrorNamingEveryTemplateInIt() {
    assertThatThrownBy(
            () ->
                ImageGraph.of(
                    Map.of(
                        "a", "FROM ${BERTH_IMAGE_C}\n",
                        "b", "FROM ${BERTH_IMAGE_A}\n",
                        "c", "FROM ${BERTH_IMAGE_B}\n"),
                    Map.of(),
                    "berth"))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("image dependency cycle: a -> c -> b -> a");
  }

  @Test
  void anImageBuiltOnItselfIsACycle() {
    assertThatThrownBy(() -> ImageGraph.of(Map.of("a", "FROM berth/a:latest\n"), Map.of(), "berth"))
        .hasMessageContaining("image dependency cycle: a -> a");
  }

  @Test
  void aMissingParentImageIsAnErrorNamingBothTemplates() {
    assertThatThrownBy(
            () ->
                ImageGraph.of(
                    Map.of(
                        "jupyter", "ARG BERTH_IMAGE_OPERATOINS\nFROM ${BERTH_IMAGE_OPERATOINS}\n"),
                    Map.of(),
                    "berth"))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("template 'jupyter' Dockerfile line 2")
        .hasMessageContaining("uses the image of 'operatoins', which is not a template with a");
  }

  @Test
  void copyFromABuildArgIsRejectedWithTheWayToWriteIt() {
    assertThatThrownBy(
            () ->
                ImageGraph.of(
                    Map.of(
                        "base", "FROM scratch\n",
                        "child", "FROM scratch\nCOPY --from=${BERTH_IMAGE_BASE} /a /a\n"),
                    Map.of(),
                    "berth"))
        .hasMessageContaining("COPY --from=${BERTH_IMAGE_BASE} is not expanded")
        .hasMessageContaining("FROM ${BERTH_IMAGE_BASE} AS stage");
  }

  @Test
  void askingForATemplateWithoutADockerfileSaysWhichHaveOne() {
    assertThatThrownBy(() -> family().buildOrder(List.of("nope")))
        .hasMessageContaining("'nope' has no image Berth builds")
        .hasMessageContaining("[jupyter, operations, plain, rstudio]");
  }

  @Test
  void theBuildArgNameOfATemplate() {
    assertThat(DockerfileRefs.argName("my-base2")).isEqualTo("BERTH_IMAGE_MY_BASE2");
  }
}
