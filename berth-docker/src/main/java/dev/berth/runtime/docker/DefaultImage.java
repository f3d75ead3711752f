package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.BuildImageResultCallback;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image for templates that name none: {@code <prefix>/default:latest}, {@code FROM scratch}
 * with a static busybox and its applet links (sh, sleep, cat, ls, rm, mv, nc, wget...). Built
 * through the Engine API from a tar context the first time it is needed, because no image can be
 * pulled where Berth runs. The busybox binary comes from the manager's host (Debian's {@code
 * busybox-static} puts it at {@code /bin/busybox}).
 */
final class DefaultImage {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultImage.class);
  static final Path HOST_BUSYBOX = Path.of("/bin/busybox");

  private static final String DOCKERFILE =
      """
      FROM scratch
      COPY busybox /bin/busybox
      COPY etc/ /etc/
      RUN ["/bin/busybox", "--install", "-s", "/bin"]
      RUN ["/bin/busybox", "mkdir", "-m", "1777", "/tmp"]
      """;

  private final DockerEngine engine;
  private final String reference;
  private final Path busybox;
  private final Object lock = new Object();

  DefaultImage(DockerEngine engine, String prefix, Path busybox) {
    this.engine = engine;
    this.reference = prefix + "/default:latest";
    this.busybox = busybox;
  }

  String reference() {
    return reference;
  }

  /** Builds the image unless the engine has it already; returns its reference. */
  String ensure() {
    synchronized (lock) {
      if (exists()) {
        return reference;
      }
      if (!Files.isRegularFile(busybox)) {
        throw new BerthException(
            ErrorCode.RUNTIME_FAILURE,
            "cannot build "
                + reference
                + ": no static busybox at "
                + busybox
                + " (install Debian's busybox-static)");
      }
      LOG.info("building {} from {} (it is not on the engine yet)", reference, busybox);
      // Without the build cache: every Berth installation (every prefix) builds the same layers,
      // and a cached step points at an image another installation may remove meanwhile ("failed
      // to get digest", "unknown parent image ID"). The build is small; one retry covers a
      // removal that still races with it.
      for (int attempt = 1; ; attempt++) {
        try (var context = new ByteArrayInputStream(context())) {
          engine
              .client
              .buildImageCmd(context)
              .withTags(Set.of(reference))
              .withPull(false)
              .withNoCache(true)
              // It needs nothing from any network, and so does not depend on the engine's bridge.
              .withNetworkMode("none")
              .withRemove(true)
              .withForcerm(true) // a failed step leaves no intermediate container behind
              .withLabels(java.util.Map.of("berth.image", "default"))
              .exec(new BuildImageResultCallback())
              .awaitImageId();
          return reference;
        } catch (IOException | RuntimeException e) {
          if (attempt >= 2) {
            throw DockerEngine.failure("build " + reference, e);
          }
          LOG.warn("building {} failed, trying once more: {}", reference, DockerEngine.reason(e));
        }
      }
    }
  }

  private boolean exists() {
    try {
      engine.client.inspectImageCmd(reference).exec();
      return true;
    } catch (RuntimeException e) {
      if (DockerEngine.isNotFound(e)) {
        return false;
      }
      throw DockerEngine.failure("inspect image " + reference, e);
    }
  }

  private byte[] context() throws IOException {
    var bytes = new ByteArrayOutputStream();
    try (var tar = new TarArchiveOutputStream(bytes)) {
      add(tar, "Dockerfile", DOCKERFILE.getBytes(StandardCharsets.UTF_8), 0644);
      add(tar, "busybox", Files.readAllBytes(busybox), 0755);
      add(
          tar,
          "etc/passwd",
          "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
              .getBytes(StandardCharsets.UTF_8),
          0644);
      add(tar, "etc/group", "root:x:0:\nnogroup:x:65534:\n".getBytes(StandardCharsets.UTF_8), 0644);
    }
    return bytes.toByteArray();
  }

  private static void add(TarArchiveOutputStream tar, String name, byte[] content, int mode)
      throws IOException {
    var entry = new TarArchiveEntry(name);
    entry.setSize(content.length);
    entry.setMode(mode);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }
}
