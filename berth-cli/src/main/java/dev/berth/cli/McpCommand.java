package dev.berth.cli;

import dev.berth.mcp.McpStdioBridge;
import dev.berth.server.BerthServer;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    description = {
      "Serve Berth's MCP tools on stdio for a desktop agent.",
      "Forwards every call to the running server (BERTH_URL, with BERTH_TOKEN or the admin"
          + " token file) and ends when standard input closes."
    })
final class McpCommand implements Runnable, BerthCli.Environment {
  private Map<String, String> env = Map.of();

  @Override
  public void environment(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public void run() {
    ApiClient client = ApiClient.fromEnvironment(env);
    // Standard output carries the protocol alone: anything else printed goes to stderr.
    var protocolOut = new FileOutputStream(FileDescriptor.out);
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
    McpStdioBridge bridge;
    try {
      bridge =
          new McpStdioBridge(
              client.baseUrl(),
              client.token(),
              BerthServer.VERSION,
              new FileInputStream(FileDescriptor.in),
              protocolOut);
    } catch (RuntimeException e) {
      // The bridge's message is the server's reason ("the token is not valid"), or says that
      // nothing answers at the address.
      throw new CliException(
          "Berth's MCP endpoint at " + client.baseUrl() + "/mcp: " + e.getMessage());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(bridge::close));
    try {
      bridge.awaitInputClosed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    bridge.close();
    System.exit(0); // the SDK's stdio threads are not daemons
  }
}
