package dev.berth.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Jupyter Notebook image made without an image registry, {@value #IMAGE}: what the shipped
 * {@code examples/templates/jupyter/Dockerfile} makes with apt-get (Jupyter, the Python kernel, a
 * user {@code berth} with uid 1000 and {@code /home/berth/work}), made instead with {@code
 * debootstrap} from Debian's package mirror (the R kernel left out), the user added in the root on
 * the host, and {@code docker import}. Made once (~70 s) and kept on the engine on purpose: every
 * later run reuses it.
 */
final class DebianJupyter {
  static final String IMAGE = "local/debian-jupyter:bookworm";

  // debootstrap does not resolve virtual packages: the last two provide what others depend on.
  private static final String PACKAGES =
      "python3-notebook,python3-ipykernel,jupyter-core,jupyter-notebook,"
          + "python3-cffi-backend,libboost-regex1.74.0";

  private DebianJupyter() {}

  static synchronized void ensure() throws Exception {
    if (DebianBase.run(60, "docker", "image", "inspect", IMAGE).code() == 0) {
      return;
    }
    if (DebianBase.run(10, "sh", "-c", "command -v debootstrap").code() != 0) {
      String why = "debootstrap is not installed (apt-get install debootstrap), so " + IMAGE;
      if (System.getenv("CI") != null) {
        throw new AssertionError(why + " cannot be made; CI is set, so this test must run");
      }
      Assumptions.assumeTrue(false, why + " cannot be made");
    }
    Path root = Files.createTempDirectory("berth-debootstrap-jupyter-");
    try {
      check(
          "debootstrap",
          DebianBase.run(
              900,
              "debootstrap",
              "--variant=minbase",
              "--include=" + PACKAGES,
              "bookworm",
              root.toString()));
      // The shipped Dockerfile's user and folders (its RUN useradd), made in the root on the host.
      check(
          "adding the user",
          DebianBase.run(
              60,
              "sh",
              "-c",
              "chroot '"
                  + root
                  + "' useradd --uid 1000 --user-group --create-home --home-dir /home/berth"
                  + " --shell /bin/sh berth && mkdir -p '"
                  + root
                  + "/home/berth/work' && chown -R 1000:1000 '"
                  + root
                  + "/home/berth'"));
      check(
          "docker import",
          DebianBase.run(
              300,
              "sh",
              "-c",
              "tar -C '" + root + "' -c . | docker import --change 'ENV LANG=C.UTF-8' - " + IMAGE));
    } finally {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void check(String what, DebianBase.Result r) {
    if (r.code() != 0) {
      throw new AssertionError(what + " failed while making " + IMAGE + ":\n" + r.output());
    }
  }
}
