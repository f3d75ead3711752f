package dev.berth.images;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds which other templates' images a Dockerfile builds on: {@code FROM} and {@code COPY --from=}
 * naming {@code ${BERTH_IMAGE_<TEMPLATE>}} (the build arg Berth passes for every image a template
 * depends on) or a literal {@code <prefix>/<template>[:tag]}. Pure text work; the caller decides
 * whether the names are templates.
 */
final class DockerfileRefs {
  /** The build arg that carries the image of template {@code name}: {@code BERTH_IMAGE_<NAME>}. */
  static String argName(String template) {
    return "BERTH_IMAGE_" + template.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static final Pattern ARG_REF = Pattern.compile("\\$\\{?BERTH_IMAGE_([A-Z0-9_]+)\\}?");

  /**
   * One reference to another template's image.
   *
   * @param template the template named (lower case, as folder names are)
   * @param line the Dockerfile line (1-based) it is on
   * @param text the instruction, for messages
   */
  record Ref(String template, int line, String text) {}

  /** What a scan found: references, and mistakes worth stopping for (with their line). */
  record Scan(List<Ref> refs, List<String> problems) {}

  private DockerfileRefs() {}

  static Scan scan(String dockerfile, String prefix) {
    List<Ref> refs = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Pattern literal =
        Pattern.compile(
            Pattern.quote(prefix + "/") + "([a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?)([:@].*)?");
    for (Instruction ins : instructions(dockerfile)) {
      String keyword = ins.keyword();
      List<String> words = words(ins.rest());
      if (keyword.equals("FROM")) {
        words.stream()
            .filter(w -> !w.startsWith("--"))
            .findFirst()
            .ifPresent(image -> reference(image, ins, literal, refs));
      } else if (keyword.equals("COPY")) {
        for (String w : words) {
          if (!w.startsWith("--")) {
            break;
          }
          if (w.startsWith("--from=")) {
            String from = w.substring("--from=".length());
            if (from.contains("$")) {
              // The classic builder does not expand build args in --from: say how to write it.
              problems.add(
                  "line "
                      + ins.line()
                      + ": COPY --from="
                      + from
                      + " is not expanded by the builder; write 'FROM "
                      + from
                      + " AS stage' and 'COPY --from=stage ...'");
            } else {
              reference(from, ins, literal, refs);
            }
          }
        }
      }
    }
    return new Scan(List.copyOf(refs), List.copyOf(problems));
  }

  /**
   * One image a Dockerfile builds on that is neither another template's nor an earlier stage of its
   * own (nor {@code scratch}): it must be on the engine already, as Berth never pulls.
   */
  record Base(String image, int line, String text) {}

  static List<Base> externalBases(String dockerfile, String prefix) {
    List<Base> out = new ArrayList<>();
    List<String> stages = new ArrayList<>();
    for (Instruction ins : instructions(dockerfile)) {
      if (!ins.keyword().equals("FROM")) {
        continue;
      }
      List<String> words = words(ins.rest()).stream().filter(w -> !w.startsWith("--")).toList();
      if (words.isEmpty()) {
        continue;
      }
      String image = words.get(0);
      boolean stage = stages.contains(image.toLowerCase(Locale.ROOT)); // an earlier stage's name
      if (words.size() >= 3 && words.get(1).equalsIgnoreCase("AS")) {
        stages.add(words.get(2).toLowerCase(Locale.ROOT));
      }
      if (image.contains("$")
          || image.equalsIgnoreCase("scratch")
          || image.startsWith(prefix + "/")
          || stage) {
        continue;
      }
      out.add(new Base(image, ins.line(), ins.keyword() + " " + ins.rest()));
    }
    return List.copyOf(out);
  }

  private static void reference(String image, Instruction ins, Pattern literal, List<Ref> refs) {
    Matcher arg = ARG_REF.matcher(image);
    if (arg.find()) {
      String name = arg.group(1).toLowerCase(Locale.ROOT).replace('_', '-');
      refs.add(new Ref(name, ins.line(), ins.keyword() + " " + ins.rest()));
      return;
    }
    Matcher m = literal.matcher(image);
    if (m.matches()) {
      refs.add(new Ref(m.group(1), ins.line(), ins.keyword() + " " + ins.rest()));
    }
  }

  record Instruction(int line, String keyword, String rest) {}

  /** Instructions with continuation lines joined and comments dropped. */
  static List<Instruction> instructions(String dockerfile) {
    List<Instruction> out = new ArrayList<>();
    String[] lines = dockerfile.split("\r?\n", -1);
    StringBuilder current = new StringBuilder();
    int start = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String trimmed = line.strip();
      if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
        continue;
      }
      if (!current.isEmpty() && trimmed.startsWith("#")) {
        continue; // a comment inside a continued instruction
      }
      if (current.isEmpty()) {
        start = i + 1;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      add(out, start, current.toString());
      current.setLength(0);
    }
    if (!current.isEmpty()) {
      add(out, start, current.toString());
    }
    return out;
  }

  private static void add(List<Instruction> out, int line, String text) {
    String t = text.strip();
    int space = t.indexOf(' ');
    String keyword = (space < 0 ? t : t.substring(0, space)).toUpperCase(Locale.ROOT);
    String rest = space < 0 ? "" : t.substring(space + 1).strip();
    out.add(new Instruction(line, keyword, rest));
  }

  private static List<String> words(String rest) {
    List<String> out = new ArrayList<>();
    for (String w : rest.split("\\s+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }
}
