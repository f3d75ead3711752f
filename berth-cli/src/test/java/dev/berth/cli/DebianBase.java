package dev.berth.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The local Debian base the offline {@code python-web} example builds on, {@value #IMAGE}: made
 * once with {@code debootstrap} (Debian's package mirror, no image registry) and {@code docker
 * import}, then reused by every run. Kept on the engine on purpose: it takes ~45 s to make.
 */
final class DebianBase {
  static final String IMAGE = "local/debian-python3:bookworm";

  private DebianBase() {}

  static synchronized void ensure() throws Exception {
    if (run(60, "docker", "image", "inspect", IMAGE).code == 0) {
      return;
    }
    if (run(10, "sh", "-c", "command -v debootstrap").code != 0) {
      String why =
          "debootstrap is not installed (apt-get install debootstrap), so "
              + IMAGE
              + " cannot be made";
      if (System.getenv("CI") != null) {
        throw new AssertionError(why + "; CI is set, so this test must run");
      }
      Assumptions.assumeTrue(false, why);
    }
    Path root = Files.createTempDirectory("berth-debootstrap-");
    try {
      Result made =
          run(
              900,
              "debootstrap",
              "--variant=minbase",
              "--include=python3",
              "bookworm",
              root.toString());
      if (made.code != 0) {
        throw new AssertionError("debootstrap failed:\n" + made.output);
      }
      Result imported =
          run(300, "sh", "-c", "tar -C '" + root + "' -c . | docker import - " + IMAGE);
      if (imported.code != 0) {
        throw new AssertionError("docker import failed:\n" + imported.output);
      }
    } finally {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  record Result(int code, String output) {}

  static Result run(int timeoutSeconds, String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, new String(out, UTF_8) + "\n(timed out)");
    }
    return new Result(p.exitValue(), new String(out, UTF_8));
  }
}
