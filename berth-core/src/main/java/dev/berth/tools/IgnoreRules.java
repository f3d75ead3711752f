package dev.berth.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * Which paths a search or a glob passes over by default: {@code .git/} and {@code node_modules/}
 * anywhere, and what the {@code .gitignore} files it was given ignore (git's rules: last match
 * wins, {@code !} re-includes, a trailing {@code /} matches only directories, a pattern with a
 * {@code /} in it is anchored at its file's directory; a file in an ignored directory stays
 * ignored). Mutable: rules are added as {@code .gitignore} files turn up.
 */
public final class IgnoreRules {
  private static final List<String> ALWAYS = List.of(".git", "node_modules");

  private record Rule(String base, Globs.Glob glob, boolean negated, boolean dirOnly) {}

  private final List<Rule> rules = new ArrayList<>();

  /** Adds a {@code .gitignore}'s rules; {@code directory} is where it is ("" for the root). */
  public void add(String directory, String gitignore) {
    for (String raw : TextFiles.lines(gitignore)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      boolean negated = line.startsWith("!");
      if (negated) {
        line = line.substring(1);
      }
      boolean dirOnly = line.endsWith("/");
      if (dirOnly) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isEmpty()) {
        continue;
      }
      try {
        rules.add(new Rule(directory, Globs.compile(line), negated, dirOnly));
      } catch (RuntimeException e) {
        // A pattern git would not understand either: skipped, as git skips it.
      }
    }
  }

  /** True for a directory Berth always skips by default ({@code .git}, {@code node_modules}). */
  public static boolean alwaysSkipped(String name) {
    return ALWAYS.contains(name);
  }

  /** Whether the file (or, with {@code directory}, the directory) at {@code path} is ignored. */
  public boolean ignored(String path, boolean directory) {
    String[] segments = path.split("/");
    var prefix = new StringBuilder();
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        prefix.append('/');
      }
      prefix.append(segments[i]);
      boolean isDir = i < segments.length - 1 || directory;
      if (isDir && alwaysSkipped(segments[i])) {
        return true;
      }
      if (decide(prefix.toString(), isDir)) {
        return true;
      }
    }
    return false;
  }

  /** The last rule matching {@code path} decides; none matching means not ignored. */
  private boolean decide(String path, boolean isDir) {
    boolean ignored = false;
    for (Rule r : rules) {
      String rel;
      if (r.base().isEmpty()) {
        rel = path;
      } else if (path.startsWith(r.base() + "/")) {
        rel = path.substring(r.base().length() + 1);
      } else {
        continue;
      }
      if (r.dirOnly() && !isDir) {
        continue;
      }
      if (r.glob().matches(rel)) {
        ignored = !r.negated();
      }
    }
    return ignored;
  }
}
