package dev.berth.template;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a template volume's folder holds, as backends copy it: its folders and regular files
 * (symbolic links and other special files are left out: a link could lead out of the template's
 * folder), each with a path relative to the folder, and for files whether they are executable.
 * {@link #hash} is the content hash in a template volume's name, so a change of any file, name or
 * executable bit gives a new volume while sessions made on the old one keep theirs. Read from disk
 * at every use (a prepare): the template watcher does not see edits deep inside a template's
 * folder, and the files as they are now are what a new volume gets.
 */
public final class TemplateVolumeContent {
  /** How many hex digits of the hash go into a volume's name. */
  public static final int NAME_HASH_LENGTH = 12;

  private TemplateVolumeContent() {}

  /**
   * One thing to copy.
   *
   * @param relative the path below the folder, with {@code /} separators
   * @param file the file on disk
   * @param directory a folder (else a regular file)
   * @param executable for a file: copied with mode 0755 (else 0644)
   * @param size for a file, its size in bytes
   */
  public record Entry(
      String relative, Path file, boolean directory, boolean executable, long size) {}

  /** The folder's entries, parents before children, in a stable order. */
  public static List<Entry> entries(Path folder) {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.sorted()
          .filter(p -> !p.equals(folder))
          .filter(
              p ->
                  Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                      || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> entry(folder, p))
          .toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE,
          "cannot read the template volume's folder " + folder + ": " + e);
    }
  }

  private static Entry entry(Path folder, Path p) {
    String rel = folder.relativize(p).toString().replace('\\', '/');
    boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    try {
      return new Entry(rel, p, dir, !dir && Files.isExecutable(p), dir ? 0 : Files.size(p));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The SHA-256 of the folder's entries (names, kinds, executable bits, bytes), as 64 hex digits.
   */
  public static String hash(Path folder) {
    MessageDigest sha = sha256();
    byte[] buffer = new byte[64 * 1024];
    for (Entry e : entries(folder)) {
      String head =
          (e.directory() ? "d " : e.executable() ? "x " : "f ") + e.relative() + "\0" + e.size();
      sha.update(head.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      if (!e.directory()) {
        try (InputStream in = Files.newInputStream(e.file())) {
          for (int n; (n = in.read(buffer)) > 0; ) {
            sha.update(buffer, 0, n);
          }
        } catch (IOException x) {
          throw new BerthException(
              ErrorCode.RUNTIME_FAILURE,
              "cannot read " + e.file() + " for the template volume: " + x);
        }
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** The first {@value #NAME_HASH_LENGTH} hex digits, as names carry it. */
  public static String shortHash(String hash) {
    return hash.substring(0, Math.min(NAME_HASH_LENGTH, hash.length()));
  }

  /** The bytes of every file together. */
  public static long totalBytes(Path folder) {
    return entries(folder).stream().mapToLong(Entry::size).sum();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
