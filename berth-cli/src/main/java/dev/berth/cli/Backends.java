package dev.berth.cli;

import dev.berth.server.BackendChooser;
import dev.berth.server.DockerEngineCheck;
import java.util.Map;

/** Which backends this build of Berth offers, and how {@code auto} chooses among them. */
final class Backends {
  private Backends() {}

  static BackendChooser chooser(Map<String, String> env) {
    return (config, instance, out) -> {
      if (config.backend().equals("auto")) {
        var socket = DockerEngineCheck.socket(config.dockerHost(), env);
        String why =
            socket
                .flatMap(DockerEngineCheck::problem)
                .orElse("this build has no Docker backend yet");
        out.println("  backend auto: using local (" + why + ")");
      }
      return BackendChooser.localOnly().choose(config, instance, out);
    };
  }
}
