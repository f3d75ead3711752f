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
      "Run the Berth server (REST API, MCP, proxy, dashboard) until interrupted.",
      "Data directory: $BERTH_HOME (default ~/.berth). Configuration: <data"
          + " dir>/berth.yaml, then BERTH_* environment variables, then these options."
    })
final class ServeCommand implements Runnable, BerthCli.Environment {
  private Map<String, String> env = Map.of();

  @Option(names = "--port", description = "port to listen on (default 7780; 0 picks a free one)")
  Integer port;

  @Option(names = "--host", description = "address to bind (default 127.0.0.1)")
  String host;

  @Option(names = "--backend", description = "auto, local, docker or kubernetes (default auto)")
  String backend;

  /** Jetty's bind failure, wrapped by Javalin (JavalinBindException) or not. */
  private static boolean portTaken(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException || t.getClass().getSimpleName().contains("Bind")) {
        return true;
      }
    }
    return false;
  }

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
    BerthServer server;
    try {
      server =
          BerthServer.start(
              config, BackendProviders.installed(), new PrintStream(System.out, true));
    } catch (RuntimeException e) {
      if (portTaken(e)) {
        throw new CliException(
            "port "
                + config.port()
                + " on "
                + config.host()
                + " is taken: is another 'berth serve' running there ('berth doctor' asks it)?"
                + " Stop it, or pick another port with --port or BERTH_PORT");
      }
      throw e;
    }
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
