package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every help page of the command tree, rendered as a user sees it: each command and each option and
 * parameter says what it is in one line, no line is cut mid-sentence, and picocli's standard
 * options work on every command.
 */
class HelpPagesTest {
  /** Not checked here: picocli's own help command, whose text is picocli's. */
  private static final java.util.Set<String> NOT_OURS = java.util.Set.of("berth help");

  /** The whole tree, by its command line ("berth session cp"). */
  private static Map<String, CommandLine> commands() {
    Map<String, CommandLine> all = new LinkedHashMap<>();
    collect(BerthCli.commandLine(Map.of(), Stdio.system()), all);
    return all;
  }

  private static void collect(CommandLine c, Map<String, CommandLine> all) {
    String name = c.getCommandSpec().qualifiedName();
    if (all.containsKey(name) || NOT_OURS.contains(name)) {
      return; // an alias, or not ours
    }
    all.put(c.getCommandSpec().qualifiedName(), c);
    c.getSubcommands().values().forEach(sub -> collect(sub, all));
  }

  private static String usage(CommandLine c) {
    var out = new StringWriter();
    c.usage(new PrintWriter(out));
    return out.toString();
  }

  /** A description line is a whole sentence, an example (indented), or leads into a list. */
  private static boolean whole(String line) {
    String l = line.strip();
    return line.startsWith("  ") || l.matches(".*[.:)]$");
  }

  @Test
  void everyCommandOptionAndParameterHasAOneLineDescription() {
    List<String> problems = new ArrayList<>();
    commands()
        .forEach(
            (name, c) -> {
              CommandSpec spec = c.getCommandSpec();
              String[] description = spec.usageMessage().description();
              if (description.length == 0 || description[0].isBlank()) {
                problems.add(name + ": no description");
              }
              // The first line is what the parent's command list shows: it must stand alone.
              for (String line : description) {
                if (!whole(line)) {
                  problems.add(name + ": a line cut mid-sentence: '" + line + "'");
                }
              }
              List<ArgSpec> args = new ArrayList<>(spec.options());
              args.addAll(spec.positionalParameters());
              for (ArgSpec a : args) {
                String[] d = a.description();
                String label =
                    a instanceof CommandLine.Model.OptionSpec o ? o.longestName() : a.paramLabel();
                if (d.length == 0 || d[0].isBlank()) {
                  problems.add(name + " " + label + ": no description");
                } else if (d.length > 1) {
                  problems.add(name + " " + label + ": more than one line");
                }
              }
            });
    assertThat(problems).isEmpty();
  }

  @Test
  void everyHelpPageRendersWithoutCutLines() {
    List<String> problems = new ArrayList<>();
    commands()
        .forEach(
            (name, c) -> {
              String page = usage(c);
              assertThat(page).as(name).startsWith("Usage: " + name);
              // The command list shows each subcommand's first line whole, on one line beside
              // its name (picocli would wrap a longer one into the column, cut at its width).
              c.getSubcommands()
                  .forEach(
                      (sub, subCommand) -> {
                        String[] d = subCommand.getCommandSpec().usageMessage().description();
                        String first = d.length == 0 ? "" : d[0];
                        if (!NOT_OURS.contains(name + " " + sub)
                            && !java.util.Arrays.stream(page.split("\n"))
                                .anyMatch(l -> l.contains(first))) {
                          problems.add(name + ": '" + sub + "' wraps in the list: '" + first + "'");
                        }
                      });
              if (page.contains("option option")) {
                problems.add(name + ": 'option option'");
              }
            });
    assertThat(problems).isEmpty();
  }

  @Test
  void helpAndVersionWorkOnEveryCommand() {
    for (String name : commands().keySet()) {
      List<String> words = new ArrayList<>(List.of(name.split(" ")));
      words.removeFirst();
      if (words.contains("help")) {
        continue;
      }
      for (String flag : List.of("--help", "-V")) {
        List<String> args = new ArrayList<>(words);
        args.add(flag);
        var out = new StringWriter();
        var err = new StringWriter();
        int code =
            BerthCli.run(
                args.toArray(String[]::new),
                Map.of(),
                new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertThat(code).as(name + " " + flag + ": " + err).isZero();
        assertThat(out.toString())
            .as(name + " " + flag)
            .startsWith(flag.equals("-V") ? "berth " : "Usage: " + name);
      }
    }
  }

  @Test
  void aWrongValueSaysOptionOnceAndSessionListIsLs() {
    var err = new StringWriter();
    int code =
        BerthCli.run(
            new String[] {"session", "exec", "x", "-e", "NOEQUALS", "--", "true"},
            Map.of(),
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));
    assertThat(code).isEqualTo(ExitCodes.BERTH_FAILED);
    assertThat(err.toString()).contains("'--env'").doesNotContain("option option");

    var usage = new StringWriter();
    BerthCli.run(
        new String[] {"session", "list", "--help"},
        Map.of(),
        new PrintWriter(usage, true),
        new PrintWriter(new StringWriter(), true));
    assertThat(usage.toString()).startsWith("Usage: berth session ls");
  }
}
