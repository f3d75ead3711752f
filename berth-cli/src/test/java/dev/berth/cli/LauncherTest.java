package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code berth} launcher at the repository's root, run through symlinks to it as an install on
 * the PATH makes them. It runs in a copy of the checkout's layout whose {@code berth.jar} is this
 * test's classes (a manifest class path), so it never builds anything.
 */
class LauncherTest {
  @TempDir Path dir;

  private Path checkout() throws IOException {
    Path repo = Files.createDirectories(dir.resolve("checkout"));
    Files.copy(Path.of("..", "berth"), repo.resolve("berth"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.createDirectories(repo.resolve(".mvn"));
    Files.copy(Path.of("..", ".mvn", "pick-jdk.sh"), repo.resolve(".mvn/pick-jdk.sh"));
    Path jar = Files.createDirectories(repo.resolve("berth-cli/target")).resolve("berth.jar");
    var manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, BerthCli.class.getName());
    manifest
        .getMainAttributes()
        .put(
            Attributes.Name.CLASS_PATH,
            Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).toUri().toString())
                .collect(Collectors.joining(" ")));
    try (OutputStream out = Files.newOutputStream(jar);
        var j = new JarOutputStream(out, manifest)) {
      j.flush();
    }
    return repo;
  }

  private static String run(Path launcher) throws Exception {
    // Logback talks about this test class path (two logback-test.xml) on both streams.
    Path err = Files.createTempFile("launcher", ".err");
    var pb = new ProcessBuilder(launcher.toString(), "version").redirectError(err.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("BERTH_HOME", launcher.getParent().resolve("home").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out + Files.readString(err)).isZero();
    Files.delete(err);
    return out;
  }

  @Test
  void runsThroughASymlinkAndAChainOfThem() throws Exception {
    Path repo = checkout();
    assertThat(run(repo.resolve("berth"))).containsPattern("(?m)^berth ");

    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("berth"), repo.resolve("berth"));
    assertThat(run(bin.resolve("berth")))
        .containsPattern("(?m)^berth ")
        .containsPattern("(?m)^java ");

    // A relative link to that link, as `ln -s ../bin/berth` makes.
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.createSymbolicLink(other.resolve("berth"), Path.of("..", "bin", "berth"));
    assertThat(run(other.resolve("berth"))).containsPattern("(?m)^berth ");
  }
}
