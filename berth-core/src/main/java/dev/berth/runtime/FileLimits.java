package dev.berth.runtime;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file limits as every runtime enforces them: one message, one bounded copy. Files calls work
 * on regular files only: opening a fifo blocks until something writes to it (a read would hang and
 * hold up every call behind it), and a device is not workspace content.
 */
public final class FileLimits {
  private FileLimits() {}

  /** For a read or write of something that exists and is neither a regular file nor a directory. */
  public static BerthException notRegularFile(WorkspacePath p) {
    return BerthException.badRequest(
        "'"
            + p
            + "' is not a regular file (a fifo, socket or device); files calls work on regular"
            + " files only");
  }

  public static BerthException tooLarge(WorkspacePath p, long max) {
    return new BerthException(
        ErrorCode.TOO_LARGE,
        "'" + p + "' is larger than the limit of " + max + " bytes (maxFileBytes)");
  }

  /**
   * Copies {@code in} to the file {@code out}, failing with {@link #tooLarge} as soon as more than
   * {@code maxBytes} arrive (the caller removes the partial file).
   *
   * @return the number of bytes copied
   */
  public static long copyBounded(InputStream in, Path out, long maxBytes, WorkspacePath p)
      throws IOException {
    long total = 0;
    byte[] buffer = new byte[64 * 1024];
    try (OutputStream os = Files.newOutputStream(out)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
        if (total > maxBytes) {
          throw tooLarge(p, maxBytes);
        }
        os.write(buffer, 0, n);
      }
    }
    return total;
  }
}
