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

  /** The edited text and how many replacements were made in all. */
  public record Result(String text, int replacements) {}

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
    return new Result(current, replacements);
  }

  static int count(String text, String needle) {
    int n = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
      n++;
    }
    return n;
  }
}
