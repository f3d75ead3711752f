package dev.berth.service.files;

import dev.berth.base.BerthException;
import java.util.List;

/**
 * What a write or edit expects to find before it changes a file, checked atomically with the change
 * against every other Berth writer (see {@code SessionWorkspace}): REST's {@code If-Match} and
 * {@code If-None-Match: *}, MCP's {@code if_version}.
 */
public sealed interface FileCondition {

  /** No expectation: the write replaces whatever is there (the default). */
  record Any() implements FileCondition {}

  /** The file must not exist ({@code If-None-Match: *}): create only. */
  record Absent() implements FileCondition {}

  /** The file must exist, whatever its content ({@code If-Match: *}). */
  record Exists() implements FileCondition {}

  /** The file's version must be one of these (the version a read returned). */
  record Matches(List<String> versions) implements FileCondition {
    public Matches {
      if (versions == null || versions.isEmpty()) {
        throw BerthException.badRequest(
            "an expected version is empty: pass the version a read returned");
      }
      versions = List.copyOf(versions);
    }
  }

  static FileCondition any() {
    return new Any();
  }

  static FileCondition absent() {
    return new Absent();
  }

  static FileCondition exists() {
    return new Exists();
  }

  /** The file must have {@code version}; an empty or null one means no expectation. */
  static FileCondition version(String version) {
    if (version == null || version.isBlank()) {
      return any();
    }
    return new Matches(List.of(version.strip()));
  }
}
