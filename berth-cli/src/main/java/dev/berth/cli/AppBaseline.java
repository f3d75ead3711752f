package dev.berth.cli;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code berth bench docker}'s session with an app: busybox httpd in the default image, probed over
 * HTTP, and the same done by hand with the Engine API (volume, container, start, then GET the app
 * at the container's address until it answers), which is the floor for it.
 */
final class AppBaseline {
  static final String TEMPLATE = "benchweb";
  static final int PORT = 8000;
  static final String SHELL = "exec busybox httpd -f -p 0.0.0.0:" + PORT + " -h .";

  /** How often the hand-made start asks the app; a tight loop, as a script would. */
  private static final Duration POLL = Duration.ofMillis(2);

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(1))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  private AppBaseline() {}

  /** The template Berth runs: the same command, port and an HTTP probe. */
  static void writeTemplate(Path home) {
    try {
      Path dir = Files.createDirectories(home.resolve("templates").resolve(TEMPLATE));
      Files.writeString(
          dir.resolve("template.yaml"),
          "description: bench app (busybox httpd)\n"
              + "shell: "
              + SHELL
              + "\n"
              + "ports: ["
              + PORT
              + "]\n"
              + "probe: {http: /, port: "
              + PORT
              + ", startTimeout: 30s}\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Volume, container, start, then GET until httpd answers at the container's address. */
  static void create(DockerClient docker, String image, String name) {
    create(docker, image, name, null);
  }

  /**
   * As above; with a {@code network}, the container Berth makes: on Berth's shared network
   * (inter-container traffic off), every capability dropped and no new privileges. Those cost the
   * engine's start some tens of milliseconds, so the work by hand does them too.
   */
  static void create(DockerClient docker, String image, String name, String network) {
    docker.createVolumeCmd().withName(name).exec();
    HostConfig host =
        HostConfig.newHostConfig()
            .withInit(true)
            .withBinds(new Bind(name, new Volume("/workspace")));
    if (network != null) {
      host =
          host.withNetworkMode(network)
              .withCapDrop(com.github.dockerjava.api.model.Capability.ALL)
              .withSecurityOpts(java.util.List.of("no-new-privileges"));
    }
    docker
        .createContainerCmd(image)
        .withName(name)
        .withWorkingDir("/workspace")
        .withCmd("sh", "-c", SHELL)
        .withHostConfig(host)
        .exec();
    docker.startContainerCmd(name).exec();
    String ip =
        docker.inspectContainerCmd(name).exec().getNetworkSettings().getNetworks().values().stream()
            .map(n -> n.getIpAddress())
            .filter(a -> a != null && !a.isEmpty())
            .findFirst()
            .orElseThrow(() -> new CliException("container " + name + " has no address"));
    var request =
        HttpRequest.newBuilder(URI.create("http://" + ip + ":" + PORT + "/"))
            .timeout(Duration.ofSeconds(1))
            .GET()
            .build();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        HTTP.send(request, HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new CliException("httpd in " + name + " did not answer within 30 s");
        }
        pause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }
}
