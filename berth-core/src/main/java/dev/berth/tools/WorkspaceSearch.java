package dev.berth.tools;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A regex search over the files of a tar stream: the workspace arrives as one archive (one call to
 * any backend, whatever the number of files) and is scanned as it streams. Binary files and files
 * over a size bound are skipped; the search stops at {@code maxResults}.
 *
 * <p>Patterns are RE2 syntax (RE2/J), not {@link java.util.regex}: RE2 matches in time linear in
 * the input, so no pattern can backtrack for minutes ({@code (.*)(.*)(.*)(.*)(.*)(.*)=} took 17.8 s
 * on a 60-character line with java.util.regex). Every search is still bounded in time and in the
 * bytes it reads, and stopped at either bound with an error that says which.
 */
public final class WorkspaceSearch {
  /** Files above this are skipped: a search is for source and text, not for data dumps. */
  public static final long MAX_FILE_BYTES = 4L << 20;

  /** The longest one search may run, download included. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** The most text one search reads, summed over the files it searches. */
  public static final long MAX_SEARCH_BYTES = 256L << 20;

  private static final int MAX_LINE_CHARS = 500;

  private final Pattern pattern;
  private final Optional<PathMatcher> glob;
  private final boolean globOnName;
  private final int maxResults;
  private final Duration timeout;
  private final long maxSearchBytes;

  public WorkspaceSearch(String regex, Optional<String> glob, int maxResults) {
    this(regex, glob, maxResults, TIMEOUT, MAX_SEARCH_BYTES);
  }

  /** A search with its own bounds (tests use small ones). */
  public WorkspaceSearch(
      String regex, Optional<String> glob, int maxResults, Duration timeout, long maxSearchBytes) {
    this.timeout = timeout;
    this.maxSearchBytes = maxSearchBytes;
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

  /** How long this search may run in all; the caller stops waiting at this bound. */
  public Duration timeout() {
    return timeout;
  }

  /** The error for a search stopped at its time bound. */
  public BerthException timedOut() {
    return new BerthException(
        ErrorCode.TIMEOUT,
        "search stopped after "
            + timeout.toMillis()
            + " ms, the limit for one search: narrow it with 'path' or 'glob'");
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
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Match> matches = new ArrayList<>();
    int searched = 0;
    int skipped = 0;
    long bytesRead = 0;
    try (var tar = new TarArchiveInputStream(tarStream)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (System.nanoTime() - deadline > 0) {
          throw timedOut();
        }
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
        bytesRead += entry.getSize();
        if (bytesRead > maxSearchBytes) {
          throw new BerthException(
              ErrorCode.TOO_LARGE,
              "search stopped after reading "
                  + (maxSearchBytes >> 20)
                  + " MiB of text, the limit for one search: narrow it with 'path' or 'glob'");
        }
        byte[] bytes = tar.readAllBytes();
        if (!TextFiles.isText(bytes)) {
          skipped++;
          continue;
        }
        searched++;
        String[] lines = TextFiles.decode(path, bytes).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
          if (System.nanoTime() - deadline > 0) {
            throw timedOut();
          }
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
