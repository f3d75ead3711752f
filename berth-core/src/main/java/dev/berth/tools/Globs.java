package dev.berth.tools;

import com.google.re2j.Pattern;
import dev.berth.base.BerthException;

/**
 * Globs with the semantics agents know from ripgrep, git and editors, compiled to RE2 (linear
 * time): {@code *} and {@code ?} stay within one path segment, {@code **} crosses segments and
 * {@code **}{@code /} also matches no directory at all ({@code src/**}{@code /*.java} matches
 * {@code src/A.java}), {@code [abc]} and {@code {a,b}} as usual. A glob without a {@code /} matches
 * a file's name at any depth; one with a {@code /} matches the whole path, relative to where the
 * search starts. (Java's own {@code glob:} matcher has {@code **}{@code /} need at least one
 * directory.)
 */
public final class Globs {
  private Globs() {}

  /** A compiled glob. */
  public record Glob(String source, Pattern pattern, boolean onName) {
    /** Whether {@code relativePath} (segments joined by '/') matches. */
    public boolean matches(String relativePath) {
      String subject =
          onName ? relativePath.substring(relativePath.lastIndexOf('/') + 1) : relativePath;
      return pattern.matches(subject);
    }
  }

  public static Glob compile(String glob) {
    String g = glob.startsWith("/") ? glob.substring(1) : glob;
    boolean onName = !glob.contains("/");
    try {
      return new Glob(glob, Pattern.compile(regex(g)), onName);
    } catch (RuntimeException e) {
      throw BerthException.badRequest("invalid glob '" + glob + "': " + e.getMessage());
    }
  }

  /** The glob as an RE2 regular expression matching a whole path. */
  static String regex(String g) {
    var sb = new StringBuilder();
    int braces = 0;
    for (int i = 0; i < g.length(); i++) {
      char c = g.charAt(i);
      switch (c) {
        case '*' -> {
          if (i + 1 < g.length() && g.charAt(i + 1) == '*') {
            boolean slashAfter = i + 2 < g.length() && g.charAt(i + 2) == '/';
            if (slashAfter) {
              sb.append("(?:.*/)?");
              i += 2;
            } else {
              sb.append(".*");
              i += 1;
            }
          } else {
            sb.append("[^/]*");
          }
        }
        case '?' -> sb.append("[^/]");
        case '[' -> {
          int end = g.indexOf(']', i + 2);
          if (end < 0) {
            throw new IllegalArgumentException("'[' without a closing ']'");
          }
          String set = g.substring(i + 1, end);
          if (set.startsWith("!")) {
            set = "^" + set.substring(1);
          }
          sb.append('[').append(set.replace("\\", "\\\\")).append(']');
          i = end;
        }
        case '{' -> {
          braces++;
          sb.append("(?:");
        }
        case '}' -> {
          if (braces == 0) {
            sb.append("\\}");
          } else {
            braces--;
            sb.append(')');
          }
        }
        case ',' -> sb.append(braces > 0 ? "|" : ",");
        case '\\' -> {
          if (i + 1 < g.length()) {
            sb.append(Pattern.quote(String.valueOf(g.charAt(++i))));
          }
        }
        default -> sb.append(Pattern.quote(String.valueOf(c)));
      }
    }
    if (braces > 0) {
      throw new IllegalArgumentException("'{' without a closing '}'");
    }
    return sb.toString();
  }
}
