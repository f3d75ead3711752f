package dev.berth.cli;

import dev.berth.config.BerthConfig;
import dev.berth.config.ConfigLoader;
import dev.berth.runtime.provider.BackendProviders;
import dev.berth.server.BerthServer;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Berth server (REST API) until interrupted.",
      "Data directory: $BERTH_HOME (default ~/.berth). Configuration: <data dir>/berth.yaml,",
      "then BERTH_* environment variables, then these options."
    })
final class ServeCommand implements Runnable, BerthCli.Environment {
  private Map<String, String> env = Map.of();

  @Option(names = "--port", description = "port to listen on (default 7780; 0 picks a free one)")
  Integer port;

  @Option(names = "--host", description = "address to bind (default 127.0.0.1)")
  String host;

  @Option(names = "--backend", description = "auto, local, docker or kubernetes (default auto)")
  String backend;

  @Override
  public void environment(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public void run() {
    Map<String, String> flags = new LinkedHashMap<>();
    if (port != null) {
      flags.put("port", port.toString());
    }
    if (host != null) {
      flags.put("host", host);
    }
    if (backend != null) {
      flags.put("backend", backend);
    }
    BerthConfig config =
        ConfigLoader.load(ConfigLoader.home(env), env, flags, BackendProviders.installed().all());
    BerthServer server =
        BerthServer.start(config, BackendProviders.installed(), new PrintStream(System.out, true));
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
