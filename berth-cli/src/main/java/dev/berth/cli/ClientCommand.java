package dev.berth.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** The shared part of every command that talks to a running server. */
abstract class ClientCommand implements Runnable, BerthCli.Environment {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "print the server's JSON instead of a table")
  boolean json;

  private Map<String, String> env = Map.of();
  private Stdio stdio = Stdio.system();

  @Override
  public void environment(Map<String, String> env) {
    this.env = env;
  }

  void stdio(Stdio stdio) {
    this.stdio = stdio;
  }

  /** The byte streams for a process's input and output (see {@link Stdio}). */
  Stdio stdio() {
    return stdio;
  }

  ApiClient client() {
    return ApiClient.fromEnvironment(env);
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  void printJson(JsonNode node) {
    out().println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    out().flush();
  }
}
