package dev.berth.runtime.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An offline image family with the shape of the shipped examples (operations, rstudio on it,
 * jupyter copying out of it), built from the host's static busybox with COPY only: {@code tops}
 * (FROM scratch, busybox brought in as a build component, "libraries" in /opt/ops/lib), {@code
 * tstudio} (names tops as parent, FROM its image) and {@code tjup} (no parent named; its Dockerfile
 * copies the libraries out of tops's image). Built with no network: nothing here needs one.
 */
final class ImageFamily {
  static final String[] APPLETS = {
    "sh", "sleep", "cat", "echo", "ls", "rm", "mv", "mkdir", "touch", "test", "env", "id", "wget"
  };

  private ImageFamily() {}

  static void write(Path templates) throws IOException {
    Path ops = Files.createDirectories(templates.resolve("tops"));
    Files.writeString(
        ops.resolve("template.yaml"),
        """
        description: operations-like base
        build:
          components: {bin/busybox: /bin/busybox}
          network: none
        """);
    Files.writeString(
        ops.resolve("Dockerfile"),
        """
        FROM scratch
        COPY bin/ /bin/
        COPY lib/ /opt/ops/lib/
        CMD ["sleep", "infinity"]
        """);
    Path bin = Files.createDirectories(ops.resolve("bin"));
    for (String applet : APPLETS) {
      Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
    }
    Files.createDirectories(ops.resolve("lib"));
    Files.writeString(ops.resolve("lib/version.txt"), "1\n");

    Path studio = Files.createDirectories(templates.resolve("tstudio"));
    Files.writeString(studio.resolve("template.yaml"), "parent: tops\nbuild: {network: none}\n");
    Files.writeString(
        studio.resolve("Dockerfile"),
        """
        ARG BERTH_IMAGE_TOPS
        FROM ${BERTH_IMAGE_TOPS}
        COPY studio.txt /opt/studio/studio.txt
        """);
    Files.writeString(studio.resolve("studio.txt"), "studio\n");

    Path jup = Files.createDirectories(templates.resolve("tjup"));
    Files.writeString(
        jup.resolve("template.yaml"), "description: jupyter-like\nbuild: {network: none}\n");
    Files.writeString(
        jup.resolve("Dockerfile"),
        """
        ARG BERTH_IMAGE_TOPS
        FROM ${BERTH_IMAGE_TOPS} AS ops
        FROM scratch
        COPY --from=ops /bin/ /bin/
        COPY --from=ops /opt/ops/lib/ /opt/jup/lib/
        CMD ["sleep", "infinity"]
        """);
  }

  /** Makes {@code template}'s build fail at a RUN step that prints a line first. */
  static void breakBuild(Path templates, String template) throws IOException {
    Path dockerfile = templates.resolve(template).resolve("Dockerfile");
    Files.writeString(
        dockerfile,
        Files.readString(dockerfile)
            + "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"echo compiling the libraries; exit 3\"]\n");
  }
}
