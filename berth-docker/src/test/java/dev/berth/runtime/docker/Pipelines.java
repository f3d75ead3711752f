package dev.berth.runtime.docker;

import dev.berth.template.ContainerStart;
import dev.berth.template.SessionContainer;
import dev.berth.template.SessionContainers;
import dev.berth.template.Template;
import java.util.List;

/**
 * A session of three typed containers beside its main one, all on Berth's default busybox image: a
 * processor writes {@code in.txt}, a plugin turns it into {@code out.txt} (upper case) and serves
 * the workspace on 8081, a merger writes {@code result.txt} from it. Each waits for its input, so
 * only the files tell the order, and a manual {@code reader} mounts the workspace read-only.
 */
final class Pipelines {
  private Pipelines() {}

  static final int PLUGIN_PORT = 8081;

  static Template threeContainers(String name) {
    return Templates.plain(name).toBuilder()
        .containers(
            SessionContainers.ordered(
                List.of(
                    SessionContainer.of(
                        "processor",
                        sh(
                            "echo 'hello pipeline' > in.txt.part && mv in.txt.part in.txt;"
                                + " exec sleep infinity")),
                    SessionContainer.of(
                            "plugin",
                            sh(
                                "until [ -f in.txt ]; do sleep 0.1; done;"
                                    + " tr a-z A-Z < in.txt > out.txt.part && mv out.txt.part"
                                    + " out.txt; exec httpd -f -p "
                                    + PLUGIN_PORT
                                    + " -h $BERTH_WORKSPACE"))
                        .after(List.of("processor"))
                        .withProbe(
                            java.util.Optional.of(
                                new dev.berth.template.HealthProbe.Tcp(
                                    PLUGIN_PORT, java.time.Duration.ofSeconds(20))),
                            List.of(PLUGIN_PORT)),
                    SessionContainer.of(
                            "merger",
                            sh(
                                "until [ -f out.txt ]; do sleep 0.1; done;"
                                    + " (echo merged; cat out.txt) > result.txt; exec sleep"
                                    + " infinity"))
                        .after(List.of("plugin")),
                    SessionContainer.of("reader", sh("exec sleep infinity"))
                        .starting(ContainerStart.MANUAL)
                        .mounting("", true))))
        .build();
  }

  static List<String> sh(String line) {
    return List.of("/bin/sh", "-c", line);
  }
}
