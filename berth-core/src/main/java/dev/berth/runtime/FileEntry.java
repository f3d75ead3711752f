package dev.berth.runtime;

import java.time.Instant;

/**
 * One file system entry in a workspace.
 *
 * @param path relative to the workspace root
 * @param type what it is; a symlink is reported as such and never followed out of the workspace
 * @param size bytes for a file, 0 otherwise
 * @param modified last modification time
 */
public record FileEntry(String path, Type type, long size, Instant modified) {
  public enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    OTHER
  }
}
