package dev.berth.tools;

import dev.berth.base.BerthException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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

  /**
   * The lines of a text as an agent reads them: numbered from 1 ({@code cat -n} style, the numbers
   * search answers), each cut at {@code maxLineChars}, and the window ending early once {@code
   * maxChars} are given, so one read never floods a model's context.
   *
   * @param text the rendered lines, each {@code "<number>\t<line>"}
   * @param firstLine the first line shown (1-based); {@code lastLine} the last, or {@code firstLine
   *     - 1} when none is shown
   * @param totalLines the text's lines; a newline at the end does not start another one
   * @param cutLines how many lines shown were cut at the line length bound
   * @param stoppedAtSize true when the size bound, not the limit or the end, ended the window
   */
  public record NumberedLines(
      String text,
      int firstLine,
      int lastLine,
      int totalLines,
      int cutLines,
      boolean stoppedAtSize) {
    /** True when lines after the window were left out. */
    public boolean more() {
      return lastLine < totalLines;
    }
  }

  /**
   * Lines {@code first .. first+limit-1} (1-based) of {@code text}, numbered, within the bounds. At
   * least one line is always shown when there is one at {@code first}, cut as needed.
   */
  public static NumberedLines numbered(
      String text, int first, int limit, int maxLineChars, int maxChars) {
    if (first < 1 || limit < 1) {
      throw BerthException.badRequest("offset must be 1 or more and limit more than 0");
    }
    List<String> lines = lines(text);
    int total = lines.size();
    int width = Math.max(6, String.valueOf(Math.min(total, (long) first + limit)).length());
    var sb = new StringBuilder();
    int last = first - 1;
    int cut = 0;
    boolean stopped = false;
    for (int n = first; n <= total && n - first < limit; n++) {
      String line = lines.get(n - 1);
      if (line.length() > maxLineChars) {
        line =
            line.substring(0, maxLineChars)
                + " [line cut: "
                + (line.length() - maxLineChars)
                + " more characters]";
        cut++;
      }
      String number = String.valueOf(n);
      String rendered = " ".repeat(Math.max(0, width - number.length())) + number + "\t" + line;
      if (n > first && sb.length() + rendered.length() + 1 > maxChars) {
        stopped = true;
        break;
      }
      sb.append(rendered).append('\n');
      last = n;
    }
    return new NumberedLines(sb.toString(), first, last, total, cut, stopped);
  }

  /**
   * The lines of a text, without their line breaks ({@code \n}, or {@code \r\n}); a break at the
   * end ends the last line rather than starting an empty one, as editors and {@code wc -l} count.
   */
  public static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      int contentEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
      out.add(text.substring(start, contentEnd));
      start = end + 1;
    }
    return out;
  }
}
