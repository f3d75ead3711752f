package dev.berth.runtime;

import dev.berth.base.BerthException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A path inside a session's workspace, relative to its root, checked lexically: no absolute paths,
 * no {@code ..}, no NUL or backslash. Runtimes must still refuse symlinks that lead out of the
 * workspace, which only they can see.
 *
 * <p>The normalized form uses '/' separators, has no '.', empty, leading or trailing segments, and
 * is the empty string for the root.
 *
 * <p>Names are bounded here, for every backend alike, so that an over-long path is a 400 that names
 * the limit instead of a backend's failure (a 502 carrying a host path or a container id).
 */
public record WorkspacePath(String value) {
  public static final WorkspacePath ROOT = new WorkspacePath("");

  /** The longest name (one path segment), in UTF-8 bytes: Linux's NAME_MAX. */
  public static final int MAX_NAME_BYTES = 255;

  /**
   * The longest path, in UTF-8 bytes: well below Linux's PATH_MAX (4096) once the workspace's own
   * location (a mount point, or a host directory under the data directory) is put in front.
   */
  public static final int MAX_PATH_BYTES = 2048;

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
      if (utf8Length(segment) > MAX_NAME_BYTES) {
        throw tooLong(raw, "a name in it is " + utf8Length(segment) + " bytes long");
      }
      segments.add(segment);
    }
    String value = String.join("/", segments);
    if (utf8Length(value) > MAX_PATH_BYTES) {
      throw tooLong(raw, "it is " + utf8Length(value) + " bytes long");
    }
    return new WorkspacePath(value);
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static BerthException tooLong(String raw, String why) {
    String shown = raw.length() > 60 ? raw.substring(0, 60) + "..." : raw;
    return BerthException.badRequest(
        "path '"
            + shown
            + "' is too long: "
            + why
            + "; the limits are "
            + MAX_NAME_BYTES
            + " bytes per name and "
            + MAX_PATH_BYTES
            + " bytes for the whole path");
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
