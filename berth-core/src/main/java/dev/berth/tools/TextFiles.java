package dev.berth.tools;

import dev.berth.base.BerthException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Text from bytes, refusing binaries, and line windows of it. */
public final class TextFiles {
  private TextFiles() {}

  /** Decodes UTF-8 strictly; a NUL byte or an invalid sequence means binary: 400 with the path. */
  public static String decode(String path, byte[] bytes) {
    for (byte b : bytes) {
      if (b == 0) {
        throw binary(path);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw binary(path);
    }
  }

  /** True when the bytes look like text (for search, which skips binaries quietly). */
  public static boolean isText(byte[] bytes) {
    try {
      decode("", bytes);
      return true;
    } catch (BerthException e) {
      return false;
    }
  }

  private static BerthException binary(String path) {
    return BerthException.badRequest(
        "'" + path + "' is a binary file (not UTF-8 text); read it through the files API instead");
  }

  /**
   * Lines {@code offset+1 .. offset+limit} (1-based for people) of a text.
   *
   * @param totalLines how many lines the whole text has
   * @param truncated true when lines after the window were left out
   */
  public record Window(
      String text, int firstLine, int lastLine, int totalLines, boolean truncated) {}

  public static Window window(String text, int offset, int limit) {
    if (offset < 0 || limit <= 0) {
      throw BerthException.badRequest("offset must be 0 or more and limit more than 0");
    }
    String[] lines = text.split("\n", -1);
    int total = text.endsWith("\n") ? lines.length - 1 : lines.length;
    if (text.isEmpty()) {
      total = 0;
    }
    int from = Math.min(offset, total);
    int to = Math.min(total, from + limit);
    var sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append(lines[i]);
      if (i < to - 1 || i < total - 1 || text.endsWith("\n")) {
        sb.append('\n');
      }
    }
    return new Window(sb.toString(), from + 1, to, total, to < total);
  }
}
