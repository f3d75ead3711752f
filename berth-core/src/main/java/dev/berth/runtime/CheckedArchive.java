package dev.berth.runtime;

import dev.berth.base.BerthException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A caller's tar, spooled whole to a file and checked before a backend unpacks any of it, so that a
 * refused archive writes nothing (a tar arrives as one stream: without the spool, whatever came
 * before a bad entry would already be written). The checks here are the ones that need no look at
 * the workspace: every entry's kind and name ({@link TarEntries}), its size, that the archive is
 * complete, and that no entry lies under (and no link leads through) a path the same archive makes
 * a link or a file. That last rule makes the workspace's own links the only ones an unpack can pass
 * through, so a backend's check of the workspace before unpacking sees what the unpack will see.
 */
public final class CheckedArchive implements AutoCloseable {
  private static final int RECORD = 512;
  private final Path file;

  private CheckedArchive(Path file) {
    this.file = file;
  }

  /**
   * Spools {@code tar} into {@code tempDir} (a directory of the manager's, outside every workspace)
   * and checks it for an unpack into {@code dir}; a refused archive leaves no file behind.
   */
  public static CheckedArchive spool(
      InputStream tar, WorkspacePath dir, Path tempDir, long maxEntryBytes) {
    Path file = null;
    try {
      file = Files.createTempFile(tempDir, ".berth-archive-", ".tar");
      // Into the file made above, not Files.copy(REPLACE_EXISTING): that deletes it and makes a new
      // one at the umask's mode (0644), and the archive is a session's files.
      try (OutputStream out = Files.newOutputStream(file)) {
        tar.transferTo(out);
      }
      check(file, dir, maxEntryBytes);
      var checked = new CheckedArchive(file);
      file = null;
      return checked;
    } catch (IOException e) {
      throw BerthException.badRequest("not a valid tar archive: " + e.getMessage());
    } finally {
      deleteQuietly(file);
    }
  }

  /** The checked archive, from its start; the caller closes it. */
  public TarArchiveInputStream open() throws IOException {
    return new TarArchiveInputStream(Files.newInputStream(file));
  }

  @Override
  public void close() {
    deleteQuietly(file);
  }

  private static void check(Path file, WorkspacePath dir, long maxEntryBytes) throws IOException {
    checkComplete(file);
    Map<String, TarEntries.Kind> kinds = new HashMap<>();
    Map<WorkspacePath, String> links = new HashMap<>();
    try (var in = new TarArchiveInputStream(Files.newInputStream(file))) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        TarEntries.Kind kind = TarEntries.kindOf(entry);
        WorkspacePath target = dir.resolve(entry.getName());
        if (kind == TarEntries.Kind.FILE && entry.getSize() > maxEntryBytes) {
          throw FileLimits.tooLarge(target, maxEntryBytes);
        }
        if (kind == TarEntries.Kind.SYMLINK) {
          TarEntries.checkLinkOnPaper(target, entry.getLinkName());
          links.put(target, entry.getLinkName());
        }
        in.transferTo(OutputStream.nullOutputStream()); // a truncated entry fails here
        TarEntries.Kind before = kinds.put(target.value(), kind);
        if (before != null && before != kind) {
          throw BerthException.badRequest(
              "archive entry '" + target + "' appears twice, as a " + before + " and a " + kind);
        }
      }
    }
    for (String path : kinds.keySet()) {
      for (String above : ancestors(path)) {
        refuseThrough(kinds, above, "archive entry '" + path + "'");
      }
    }
    for (Map.Entry<WorkspacePath, String> link : links.entrySet()) {
      for (String through : linkSteps(link.getKey(), link.getValue())) {
        refuseThrough(
            kinds, through, "archive link '" + link.getKey() + "' -> '" + link.getValue() + "'");
      }
    }
  }

  private static void refuseThrough(Map<String, TarEntries.Kind> kinds, String path, String what) {
    TarEntries.Kind kind = kinds.get(path);
    if (kind == TarEntries.Kind.SYMLINK || kind == TarEntries.Kind.FILE) {
      throw BerthException.badRequest(
          what
              + " goes through '"
              + path
              + "', which the same archive makes a "
              + (kind == TarEntries.Kind.SYMLINK ? "symbolic link" : "file")
              + "; send it without that entry");
    }
  }

  /** "a/b/c" gives "a", "a/b". */
  private static List<String> ancestors(String path) {
    List<String> out = new ArrayList<>();
    for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
      out.add(path.substring(0, slash));
    }
    return out;
  }

  /** The paths a link's target passes through before its last component, read on paper. */
  private static List<String> linkSteps(WorkspacePath at, String linkName) {
    List<String> parts =
        new ArrayList<>(at.parent().isRoot() ? List.of() : List.of(at.parent().value().split("/")));
    List<String> out = new ArrayList<>();
    String[] segments = linkName.split("/");
    for (int i = 0; i < segments.length - 1; i++) {
      String s = segments[i];
      if (s.equals("..")) {
        if (!parts.isEmpty()) {
          parts.removeLast();
        }
      } else if (!s.isEmpty() && !s.equals(".")) {
        parts.add(s);
        out.add(String.join("/", parts));
      }
    }
    return out;
  }

  /**
   * A tar ends with two zero records; without them it was cut short. commons-compress reads a cut
   * inside a header as a clean end, so this is checked here, on the spooled file's tail.
   */
  private static void checkComplete(Path file) throws IOException {
    long size = Files.size(file);
    if (size == 0) {
      return; // no entries at all: nothing to unpack
    }
    if (size % RECORD != 0 || size < 2 * RECORD) {
      throw truncated();
    }
    var tail = java.nio.ByteBuffer.allocate(2 * RECORD);
    try (SeekableByteChannel ch = Files.newByteChannel(file)) {
      ch.position(size - 2 * RECORD);
      while (tail.hasRemaining() && ch.read(tail) > 0) {
        // fill
      }
    }
    for (byte b : tail.array()) {
      if (b != 0) {
        throw truncated();
      }
    }
  }

  private static IOException truncated() {
    return new IOException("it is truncated (it does not end with tar's end-of-archive records)");
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a stray spool file in the manager's own directory; harmless
      }
    }
  }
}
