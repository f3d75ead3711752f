package dev.berth.cli;

import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

@Command(
    name = "pools",
    mixinStandardHelpOptions = true,
    description = "Warm pools: ready sessions kept per template (pool: {size: N}).",
    subcommands = {PoolsCommand.Ls.class})
final class PoolsCommand {
  @Command(
      name = "ls",
      mixinStandardHelpOptions = true,
      description = {
        "List each template's warm pool.",
        "Size, members ready and starting, hits (creates that took a member) and misses (creates"
            + " made the cold way), and why a pool does not fill."
      })
  static final class Ls extends ClientCommand {
    @Override
    public void run() {
      JsonNode pools = client().json("GET", "/api/v1/pools", null);
      if (json) {
        printJson(pools);
        return;
      }
      if (pools.isEmpty()) {
        out().println("no template has a pool (add pool: {size: N} to a template.yaml)");
        out().flush();
        return;
      }
      var table = new Table("TEMPLATE", "BACKEND", "SIZE", "READY", "STARTING", "HITS", "MISSES");
      for (JsonNode p : pools) {
        table.row(
            p.get("template").asString(),
            p.get("backend").asString(),
            p.get("size").asString(),
            p.get("ready").asString(),
            p.get("starting").asString(),
            p.get("hits").asString(),
            p.get("misses").asString());
      }
      table.print(out());
      // Why a pool does not fill is said below the table, as templates ls says what does not load.
      for (JsonNode p : pools) {
        String problem = p.path("problem").asString(null);
        if (problem != null) {
          out().println("pool of '" + p.get("template").asString() + "': " + problem);
        }
      }
      out().flush();
    }
  }
}
