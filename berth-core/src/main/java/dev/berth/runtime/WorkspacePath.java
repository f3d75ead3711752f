package dev.berth.runtime;

import dev.berth.base.BerthException;
import java.util.ArrayList;
import java.util.List;

/**
 * A path inside a session's workspace, relative to its root, checked lexically: no absolute paths,
 * no {@code ..}, no NUL or backslash. Runtimes must still refuse symlinks that lead out of the
 * workspace, which only they can see.
 *
 * <p>The normalized form uses '/' separators, has no '.', empty, leading or trailing segments, and
 * is the empty string for the root.
 */
public record WorkspacePath(String value) {
  public static final WorkspacePath ROOT = new WorkspacePath("");

  public WorkspacePath {
    if (value == null) {
      throw BerthException.badRequest("a path is required");
    }
  }

  /** Parses a user-supplied path; throws a 400 that says which rule was broken. */
  public static WorkspacePath parse(String raw) {
    if (raw == null) {
      throw BerthException.badRequest("a path is required");
    }
    if (raw.indexOf('\0') >= 0) {
      throw outside(raw, "it contains a NUL byte");
    }
    if (raw.indexOf('\\') >= 0) {
      throw outside(raw, "use '/' as the separator, not '\\'");
    }
    if (raw.startsWith("/")) {
      throw outside(raw, "it is absolute; give it relative to the workspace root");
    }
    List<String> segments = new ArrayList<>();
    for (String segment : raw.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        throw outside(raw, "'..' is not allowed");
      }
      segments.add(segment);
    }
    return new WorkspacePath(String.join("/", segments));
  }

  private static BerthException outside(String raw, String why) {
    return BerthException.badRequest("path '" + raw + "' is outside the workspace: " + why);
  }

  public boolean isRoot() {
    return value.isEmpty();
  }

  public WorkspacePath resolve(String child) {
    return parse(isRoot() ? child : value + "/" + child);
  }

  /** The parent directory; the root's parent is the root. */
  public WorkspacePath parent() {
    int slash = value.lastIndexOf('/');
    return slash < 0 ? ROOT : new WorkspacePath(value.substring(0, slash));
  }

  public String fileName() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  /** For messages: the root shows as "." rather than an empty string. */
  public String display() {
    return isRoot() ? "." : value;
  }

  @Override
  public String toString() {
    return display();
  }
}
