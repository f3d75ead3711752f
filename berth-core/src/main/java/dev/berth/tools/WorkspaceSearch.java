package dev.berth.tools;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
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

  /** What a search answers: the matching lines, the files that match, or a count per file. */
  public enum OutputMode {
    CONTENT,
    FILES,
    COUNT
  }

  /**
   * How to search, beyond the pattern.
   *
   * @param root the searched path as the workspace names it ("" for the root): globs are relative
   *     to it
   * @param context lines shown before and after each matching line (content mode)
   * @param ignoreCase match without regard to case
   * @param includeIgnored also search {@code .git/}, {@code node_modules/} and ignored files
   * @param gitignores {@code .gitignore} files above {@code root} (directory -> content), which the
   *     archive does not hold; those inside it are read as they come
   */
  public record Options(
      String root,
      OutputMode mode,
      int context,
      boolean ignoreCase,
      boolean includeIgnored,
      java.util.Map<String, String> gitignores) {
    public static final Options DEFAULTS =
        new Options("", OutputMode.CONTENT, 0, false, false, java.util.Map.of());
  }

  private final Pattern pattern;
  private final Optional<Globs.Glob> glob;
  private final int maxResults;
  private final Duration timeout;
  private final long maxSearchBytes;
  private final Options options;

  public WorkspaceSearch(String regex, Optional<String> glob, int maxResults) {
    this(regex, glob, maxResults, TIMEOUT, MAX_SEARCH_BYTES);
  }

  public WorkspaceSearch(String regex, Optional<String> glob, int maxResults, Options options) {
    this(regex, glob, maxResults, TIMEOUT, MAX_SEARCH_BYTES, options);
  }

  /** A search with its own bounds (tests use small ones). */
  public WorkspaceSearch(
      String regex, Optional<String> glob, int maxResults, Duration timeout, long maxSearchBytes) {
    this(regex, glob, maxResults, timeout, maxSearchBytes, Options.DEFAULTS);
  }

  public WorkspaceSearch(
      String regex,
      Optional<String> glob,
      int maxResults,
      Duration timeout,
      long maxSearchBytes,
      Options options) {
    this.timeout = timeout;
    this.maxSearchBytes = maxSearchBytes;
    this.options = options;
    if (options.context() < 0) {
      throw BerthException.badRequest("context must be 0 or more");
    }
    try {
      this.pattern = Pattern.compile(regex, options.ignoreCase() ? Pattern.CASE_INSENSITIVE : 0);
    } catch (PatternSyntaxException e) {
      throw BerthException.badRequest("invalid regular expression: " + e.getDescription());
    }
    if (maxResults <= 0) {
      throw BerthException.badRequest("max_results must be more than 0");
    }
    this.glob = glob.filter(g -> !g.isBlank()).map(Globs::compile);
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

  /** One line of a content answer: a matching line, or (with {@code context}) a line around one. */
  public record Match(String path, int line, String text, boolean context) {
    public Match(String path, int line, String text) {
      this(path, line, text, false);
    }

    /**
     * {@code path:line:text} for a match, {@code path-line-text} for context, as grep -n; {@code
     * --} (line 0) between groups of context that do not touch.
     */
    @Override
    public String toString() {
      if (line == 0) {
        return "--";
      }
      return path + (context ? "-" : ":") + line + (context ? "-" : ":") + text;
    }
  }

  /** A file with matches: how many lines match, and when it was last changed. */
  public record FileHits(String path, int matchingLines, java.time.Instant modified) {}

  /**
   * @param matches matching lines, and context lines, in file order (content mode)
   * @param files files with matches, in the order found (every mode)
   * @param truncated true when the search stopped at max results
   * @param filesSearched text files that were read
   * @param filesSkipped binary or oversized files that were passed over
   * @param filesIgnored files passed over as ignored ({@code .git/}, {@code node_modules/}, {@code
   *     .gitignore})
   */
  public record Result(
      List<Match> matches,
      List<FileHits> files,
      boolean truncated,
      int filesSearched,
      int filesSkipped,
      int filesIgnored) {
    public Result(List<Match> matches, boolean truncated, int filesSearched, int filesSkipped) {
      this(matches, List.of(), truncated, filesSearched, filesSkipped, 0);
    }
  }

  /**
   * Scans a tar whose entry names are relative to {@code base} (a workspace path, "" for the root).
   * Returns early, without reading the rest, once enough matches are found.
   */
  public Result scan(InputStream tarStream, String base) {
    long deadline = System.nanoTime() + timeout.toNanos();
    IgnoreRules ignore = new IgnoreRules();
    options.gitignores().forEach(ignore::add);
    List<FileScan> found = new ArrayList<>();
    int hits = 0; // matching lines (content) or files (files, count)
    int searched = 0;
    int skipped = 0;
    int ignored = 0;
    long bytesRead = 0;
    boolean truncated = false;
    try (var tar = new TarArchiveInputStream(tarStream)) {
      TarArchiveEntry entry;
      scanning:
      while ((entry = tar.getNextEntry()) != null) {
        if (System.nanoTime() - deadline > 0) {
          throw timedOut();
        }
        if (!entry.isFile()) {
          continue;
        }
        String path = base.isEmpty() ? entry.getName() : base + "/" + entry.getName();
        if (!options.includeIgnored()) {
          if (path.endsWith("/.gitignore") || path.equals(".gitignore")) {
            if (entry.getSize() <= MAX_FILE_BYTES) {
              byte[] rules = tar.readAllBytes();
              if (TextFiles.isText(rules)) {
                int slash = path.lastIndexOf('/');
                ignore.add(
                    slash < 0 ? "" : path.substring(0, slash), TextFiles.decode(path, rules));
              }
              bytesRead += rules.length;
              if (!globMatches(path)) {
                continue;
              }
              int n = scanFile(path, rules, entry, found, deadline);
              if (n >= 0) {
                searched++;
                hits += options.mode() == OutputMode.CONTENT ? n : (n > 0 ? 1 : 0);
              }
              continue;
            }
          }
          if (ignore.ignored(path, false)) {
            ignored++;
            continue;
          }
        }
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
        int n = scanFile(path, bytes, entry, found, deadline);
        if (n < 0) {
          skipped++;
          continue;
        }
        searched++;
        hits += options.mode() == OutputMode.CONTENT ? n : (n > 0 ? 1 : 0);
        if (hits >= maxResults) {
          truncated = hits > maxResults || tar.getNextEntry() != null;
          break scanning;
        }
      }
    } catch (IOException e) {
      throw BerthException.badRequest("cannot read the workspace archive: " + e.getMessage());
    }
    // A .gitignore that came after the files it ignores still counts.
    List<Match> matches = new ArrayList<>();
    List<FileHits> files = new ArrayList<>();
    int kept = 0;
    for (FileScan f : found) {
      if (!options.includeIgnored() && ignore.ignored(f.hits().path(), false)) {
        ignored++;
        continue;
      }
      files.add(f.hits());
      for (Match m : f.lines()) {
        if (!m.context()) {
          if (kept == maxResults) {
            truncated = true;
            break;
          }
          kept++;
        }
        matches.add(m);
      }
    }
    return new Result(matches, files, truncated, searched, skipped, ignored);
  }

  /** One file's matching lines, context included, and its hit count. */
  private record FileScan(FileHits hits, List<Match> lines) {}

  /**
   * Scans one file's bytes; returns its matching line count, or -1 for a binary file. Lines are
   * {@link TextFiles#lines}: a newline at the end does not make an empty last line to match.
   */
  private int scanFile(
      String path, byte[] bytes, TarArchiveEntry entry, List<FileScan> found, long deadline) {
    if (!TextFiles.isText(bytes)) {
      return -1;
    }
    List<String> lines = TextFiles.lines(TextFiles.decode(path, bytes));
    List<Match> out = new ArrayList<>();
    int count = 0;
    int shownUpTo = 0; // lines[0, shownUpTo) are already in out
    int context = options.mode() == OutputMode.CONTENT ? options.context() : 0;
    for (int i = 0; i < lines.size(); i++) {
      if (System.nanoTime() - deadline > 0) {
        throw timedOut();
      }
      Matcher m = pattern.matcher(lines.get(i));
      if (!m.find()) {
        continue;
      }
      count++;
      if (options.mode() != OutputMode.CONTENT) {
        continue;
      }
      int from = Math.max(shownUpTo, i - context);
      if (context > 0 && !out.isEmpty() && from > shownUpTo) {
        out.add(new Match(path, 0, "--", true)); // a gap between groups, as grep shows
      }
      for (int c = from; c < i; c++) {
        out.add(new Match(path, c + 1, cut(lines.get(c)), true));
      }
      out.add(new Match(path, i + 1, cut(lines.get(i)), false));
      int to = Math.min(lines.size(), i + 1 + context);
      for (int c = i + 1; c < to; c++) {
        if (pattern.matcher(lines.get(c)).find()) {
          break; // the next match shows it
        }
        out.add(new Match(path, c + 1, cut(lines.get(c)), true));
        shownUpTo = c + 1;
      }
      shownUpTo = Math.max(shownUpTo, i + 1);
    }
    if (count > 0) {
      found.add(
          new FileScan(
              new FileHits(path, count, entry.getModTime().toInstant()), List.copyOf(out)));
    }
    return count;
  }

  private static String cut(String line) {
    return (line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "..." : line)
        .stripTrailing();
  }

  /** Whether {@code path} (from the workspace root) matches the glob, taken relative to root. */
  private boolean globMatches(String path) {
    if (glob.isEmpty()) {
      return true;
    }
    String root = options.root();
    String relative;
    if (root.isEmpty()) {
      relative = path;
    } else if (path.startsWith(root + "/")) {
      relative = path.substring(root.length() + 1);
    } else {
      relative = path.substring(path.lastIndexOf('/') + 1); // the searched path is this file
    }
    return glob.get().matches(relative);
  }
}
