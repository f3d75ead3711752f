package dev.berth.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The {@code docker} command against one engine (the system's, or a private one by {@code -H}):
 * what fault tests do behind Berth's back, and how they count what Berth left on the engine.
 */
final class DockerCli {
  private final String host;

  /** {@code host} empty: the environment's engine. */
  DockerCli(String host) {
    this.host = host;
  }

  static DockerCli system() {
    return new DockerCli("");
  }

  /** Runs {@code docker args...}; returns stdout and stderr; fails on a non-zero exit. */
  String run(String... args) {
    Result r = tryRun(args);
    if (r.exit() != 0) {
      throw new AssertionError("docker " + String.join(" ", args) + " failed: " + r.output());
    }
    return r.output();
  }

  record Result(int exit, String output) {}

  Result tryRun(String... args) {
    List<String> argv = new ArrayList<>(List.of("docker"));
    if (!host.isEmpty()) {
      argv.addAll(List.of("-H", host));
    }
    argv.addAll(Arrays.asList(args));
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("docker " + String.join(" ", args) + " took over 120 s");
      }
      return new Result(p.exitValue(), out.strip());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * What carries this Berth installation's labels on the engine, by session id: containers, volumes
   * and per-session networks (the shared network is no session's and is left out).
   */
  record Owned(
      Map<String, List<String>> containers,
      Map<String, List<String>> volumes,
      Map<String, List<String>> networks) {
    TreeSet<String> sessions() {
      var all = new TreeSet<String>();
      all.addAll(containers.keySet());
      all.addAll(volumes.keySet());
      all.addAll(networks.keySet());
      return all;
    }

    boolean isEmpty() {
      return sessions().isEmpty();
    }
  }

  Owned owned(String instance) {
    String filter = "label=berth.instance=" + instance;
    return new Owned(
        bySession(
            run(
                "ps",
                "-a",
                "--filter",
                filter,
                "--format",
                "{{.Label \"berth.session\"}}|{{.Names}}")),
        bySession(
            run(
                "volume",
                "ls",
                "--filter",
                filter,
                "--format",
                "{{.Label \"berth.session\"}}|{{.Name}}")),
        bySession(
            run(
                "network",
                "ls",
                "--filter",
                filter,
                "--format",
                "{{.Label \"berth.session\"}}|{{.Name}}")));
  }

  private static Map<String, List<String>> bySession(String lines) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String line : lines.split("\n")) {
      int bar = line.indexOf('|');
      if (bar <= 0) {
        continue; // empty output, or a resource of no session (the shared network)
      }
      out.computeIfAbsent(line.substring(0, bar), k -> new ArrayList<>())
          .add(line.substring(bar + 1));
    }
    return out;
  }

  /** Removes whatever a test's prefix made on this engine, whatever state the test left. */
  void removeEverything(String prefix) {
    for (String id : lines(run("ps", "-aq", "--filter", "name=" + prefix + "-"))) {
      tryRun("rm", "-f", id);
    }
    for (String v : lines(run("volume", "ls", "-q", "--filter", "name=" + prefix + "-"))) {
      tryRun("volume", "rm", "-f", v);
    }
    for (String n : lines(run("network", "ls", "-q", "--filter", "name=" + prefix + "-"))) {
      tryRun("network", "rm", n);
    }
    tryRun("rmi", prefix + "/default:latest");
  }

  private static List<String> lines(String text) {
    return Arrays.stream(text.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
