package dev.berth.service.files;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.util.Optional;

/**
 * A conditional write or edit refused because the file is not as the caller expected ({@link
 * ErrorCode#VERSION_CONFLICT}, HTTP 412). It carries the file's current version (empty when there
 * is no file), so a caller can show it, or read again and retry.
 */
public final class FileVersionConflict extends BerthException {
  private final transient Optional<String> currentVersion;

  public FileVersionConflict(String message, Optional<String> currentVersion) {
    super(ErrorCode.VERSION_CONFLICT, message);
    this.currentVersion = currentVersion;
  }

  /** The version the file has now; empty when it does not exist. */
  public Optional<String> currentVersion() {
    return currentVersion;
  }
}
