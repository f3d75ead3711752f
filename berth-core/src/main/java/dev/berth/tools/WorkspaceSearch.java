package dev.berth.tools;

import dev.berth.base.BerthException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A regex search over the files of a tar stream: the workspace arrives as one archive (one call to
 * any backend, whatever the number of files) and is scanned as it streams. Binary files and files
 * over a size bound are skipped; the search stops at {@code maxResults}.
 */
public final class WorkspaceSearch {
  /** Files above this are skipped: a search is for source and text, not for data dumps. */
  public static final long MAX_FILE_BYTES = 4L << 20;

  private static final int MAX_LINE_CHARS = 500;

  private final Pattern pattern;
  private final Optional<PathMatcher> glob;
  private final boolean globOnName;
  private final int maxResults;

  public WorkspaceSearch(String regex, Optional<String> glob, int maxResults) {
    try {
      this.pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw BerthException.badRequest("invalid regular expression: " + e.getDescription());
    }
    if (maxResults <= 0) {
      throw BerthException.badRequest("max_results must be more than 0");
    }
    this.glob = glob.filter(g -> !g.isBlank()).map(g -> matcher(g));
    this.globOnName = glob.map(g -> !g.contains("/")).orElse(true);
    this.maxResults = maxResults;
  }

  private static PathMatcher matcher(String glob) {
    try {
      return FileSystems.getDefault().getPathMatcher("glob:" + glob);
    } catch (IllegalArgumentException e) {
      throw BerthException.badRequest("invalid glob '" + glob + "': " + e.getMessage());
    }
  }

  /** One matching line. */
  public record Match(String path, int line, String text) {
    @Override
    public String toString() {
      return path + ":" + line + ":" + text;
    }
  }

  /**
   * @param truncated true when the search stopped at max results
   * @param filesSearched text files that were read
   * @param filesSkipped binary or oversized files that were passed over
   */
  public record Result(
      List<Match> matches, boolean truncated, int filesSearched, int filesSkipped) {}

  /**
   * Scans a tar whose entry names are relative to {@code base} (a workspace path, "" for the root).
   * Returns early, without reading the rest, once enough matches are found.
   */
  public Result scan(InputStream tarStream, String base) {
    List<Match> matches = new ArrayList<>();
    int searched = 0;
    int skipped = 0;
    try (var tar = new TarArchiveInputStream(tarStream)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (!entry.isFile()) {
          continue;
        }
        String path = base.isEmpty() ? entry.getName() : base + "/" + entry.getName();
        if (!globMatches(path)) {
          continue;
        }
        if (entry.getSize() > MAX_FILE_BYTES) {
          skipped++;
          continue;
        }
        byte[] bytes = tar.readAllBytes();
        if (!TextFiles.isText(bytes)) {
          skipped++;
          continue;
        }
        searched++;
        String[] lines = TextFiles.decode(path, bytes).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
          Matcher m = pattern.matcher(lines[i]);
          if (m.find()) {
            if (matches.size() == maxResults) {
              return new Result(matches, true, searched, skipped);
            }
            String line =
                lines[i].length() > MAX_LINE_CHARS
                    ? lines[i].substring(0, MAX_LINE_CHARS) + "..."
                    : lines[i];
            matches.add(new Match(path, i + 1, line.stripTrailing()));
          }
        }
      }
    } catch (IOException e) {
      throw BerthException.badRequest("cannot read the workspace archive: " + e.getMessage());
    }
    return new Result(matches, false, searched, skipped);
  }

  private boolean globMatches(String path) {
    if (glob.isEmpty()) {
      return true;
    }
    Path p = Path.of(path);
    return glob.get().matches(globOnName ? p.getFileName() : p);
  }
}
