package dev.berth.tools;

import dev.berth.base.BerthException;
import java.util.List;

/**
 * Applies exact-match edits to a text, all or nothing: every edit is checked against the text as
 * the edits before it left it, and a single failing edit fails the whole call with nothing changed.
 * Pure, so it is tested without any session.
 */
public final class TextEdits {
  private TextEdits() {}

  /**
   * The edited text, how many replacements were made in all, and the text before the edits (to show
   * what changed, {@link #changed}).
   */
  public record Result(String text, int replacements, String before) {
    /** The lines the edits changed, numbered, with {@code context} lines around them. */
    public String changed(int context, int maxLines) {
      return TextEdits.changed(before, text, context, maxLines);
    }
  }

  public static Result apply(String text, List<FileEdit> edits) {
    if (edits.isEmpty()) {
      throw BerthException.badRequest("give at least one edit");
    }
    String current = text;
    int replacements = 0;
    for (int i = 0; i < edits.size(); i++) {
      FileEdit edit = edits.get(i);
      String label = edits.size() == 1 ? "the edit" : "edit " + (i + 1);
      if (edit.oldString() == null || edit.oldString().isEmpty()) {
        throw BerthException.badRequest(label + ": old_string must not be empty");
      }
      if (edit.oldString().equals(edit.newString())) {
        throw BerthException.badRequest(label + ": old_string and new_string are the same");
      }
      int matches = count(current, edit.oldString());
      if (matches == 0) {
        throw BerthException.badRequest(
            label
                + ": old_string was not found in the file (it must match exactly, whitespace"
                + " included); nothing was changed");
      }
      if (matches > 1 && !edit.replaceAll()) {
        throw BerthException.badRequest(
            label
                + ": old_string matches "
                + matches
                + " times; add surrounding text to make it"
                + " unique, or set replace_all; nothing was changed");
      }
      current = current.replace(edit.oldString(), edit.newString());
      replacements += matches;
    }
    return new Result(current, replacements, text);
  }

  /**
   * The region of {@code after} that differs from {@code before} (all lines between the first and
   * the last changed one), numbered from 1 as a read shows them, with {@code context} unchanged
   * lines on each side; at most {@code maxLines}, then a line saying how many more there were.
   */
  public static String changed(String before, String after, int context, int maxLines) {
    List<String> a = TextFiles.lines(before);
    List<String> b = TextFiles.lines(after);
    int prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < a.size() - prefix
        && suffix < b.size() - prefix
        && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
      suffix++;
    }
    int from = Math.max(0, prefix - context);
    int to = Math.min(b.size(), b.size() - suffix + context); // exclusive
    if (b.size() - suffix == prefix) {
      // Lines were only removed: show the lines around the gap.
      to = Math.min(b.size(), prefix + context);
    }
    var sb = new StringBuilder();
    int width = Math.max(6, String.valueOf(to).length());
    for (int i = from; i < to && i - from < maxLines; i++) {
      String n = String.valueOf(i + 1);
      sb.append(" ".repeat(width - n.length())).append(n).append('\t').append(b.get(i));
      sb.append('\n');
    }
    if (to - from > maxLines) {
      sb.append("[")
          .append(to - from - maxLines)
          .append(" more lines; session_read_file with offset=")
          .append(from + maxLines + 1)
          .append(" shows them]\n");
    }
    return sb.toString();
  }

  static int count(String text, String needle) {
    int n = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
      n++;
    }
    return n;
  }
}
