package dev.berth.images;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which images a Dockerfile needs on the engine already (Berth never pulls them). */
class DockerfileBasesTest {
  @Test
  void externalBasesAreThoseThatAreNotScratchAStageOrATemplatesImage() {
    String dockerfile =
        """
        # a comment
        FROM local/debian-python3:bookworm AS build
        RUN true
        FROM build
        FROM --platform=linux/amd64 scratch
        FROM berth/base:latest
        FROM ${BERTH_IMAGE_BASE}
        COPY --from=build /x /x
        FROM other:1
        """;

    assertThat(DockerfileRefs.externalBases(dockerfile, "berth"))
        .extracting(DockerfileRefs.Base::image, DockerfileRefs.Base::line)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("local/debian-python3:bookworm", 2),
            org.assertj.core.groups.Tuple.tuple("other:1", 9));
  }
}
