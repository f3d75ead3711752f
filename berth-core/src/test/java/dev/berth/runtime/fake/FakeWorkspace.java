package dev.berth.runtime.fake;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.FileEntry;
import dev.berth.runtime.WorkspacePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** One fake session's workspace: files and directories in memory, keyed by workspace path. */
final class FakeWorkspace {
  private final TreeMap<String, byte[]> files = new TreeMap<>();
  private final TreeSet<String> directories = new TreeSet<>();
  private final Instant created;

  FakeWorkspace(Instant created) {
    this.created = created;
  }

  Instant created() {
    return created;
  }

  synchronized byte[] read(WorkspacePath path, long maxBytes) {
    byte[] data = files.get(path.value());
    if (data == null) {
      throw BerthException.notFound("no file '" + path + "'");
    }
    if (data.length > maxBytes) {
      throw new BerthException(ErrorCode.TOO_LARGE, "'" + path + "' is larger than " + maxBytes);
    }
    return data.clone();
  }

  synchronized void write(WorkspacePath path, InputStream in, long maxBytes) {
    byte[] data;
    try {
      data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (data.length > maxBytes) {
      throw new BerthException(ErrorCode.TOO_LARGE, "'" + path + "' is larger than " + maxBytes);
    }
    if (directories.contains(path.value())) {
      throw BerthException.conflict("'" + path + "' is a directory");
    }
    makeDirectory(path.parent());
    files.put(path.value(), data);
  }

  synchronized void makeDirectory(WorkspacePath path) {
    for (WorkspacePath p = path; !p.isRoot(); p = p.parent()) {
      if (files.containsKey(p.value())) {
        throw BerthException.conflict("'" + p + "' is a file");
      }
      directories.add(p.value());
    }
  }

  synchronized List<FileEntry> list(WorkspacePath dir) {
    if (!dir.isRoot() && !directories.contains(dir.value())) {
      throw BerthException.notFound("no directory '" + dir + "'");
    }
    List<FileEntry> out = new ArrayList<>();
    for (String d : directories) {
      if (isChild(dir, d)) {
        out.add(new FileEntry(d, FileEntry.Type.DIRECTORY, 0, created));
      }
    }
    files.forEach(
        (f, data) -> {
          if (isChild(dir, f)) {
            out.add(new FileEntry(f, FileEntry.Type.FILE, data.length, created));
          }
        });
    out.sort((a, b) -> a.path().compareTo(b.path()));
    return out;
  }

  private static boolean isChild(WorkspacePath dir, String path) {
    String prefix = dir.isRoot() ? "" : dir.value() + "/";
    return path.startsWith(prefix) && !path.substring(prefix.length()).contains("/");
  }

  synchronized Optional<FileEntry> stat(WorkspacePath path) {
    if (path.isRoot() || directories.contains(path.value())) {
      return Optional.of(new FileEntry(path.value(), FileEntry.Type.DIRECTORY, 0, created));
    }
    byte[] data = files.get(path.value());
    return Optional.ofNullable(data)
        .map(d -> new FileEntry(path.value(), FileEntry.Type.FILE, d.length, created));
  }

  synchronized void delete(WorkspacePath path, boolean recursive) {
    if (files.remove(path.value()) != null) {
      return;
    }
    if (!directories.contains(path.value())) {
      throw BerthException.notFound("no file or directory '" + path + "'");
    }
    String prefix = path.value() + "/";
    boolean hasChildren =
        files.keySet().stream().anyMatch(f -> f.startsWith(prefix))
            || directories.stream().anyMatch(d -> d.startsWith(prefix));
    if (hasChildren && !recursive) {
      throw BerthException.conflict("directory '" + path + "' is not empty");
    }
    files.keySet().removeIf(f -> f.startsWith(prefix));
    directories.removeIf(d -> d.equals(path.value()) || d.startsWith(prefix));
  }

  synchronized void move(WorkspacePath from, WorkspacePath to) {
    if (stat(to).isPresent()) {
      throw BerthException.conflict("'" + to + "' exists");
    }
    byte[] data = files.remove(from.value());
    if (data == null) {
      throw BerthException.notFound("no file '" + from + "'");
    }
    makeDirectory(to.parent());
    files.put(to.value(), data);
  }

  synchronized void putArchive(WorkspacePath dir, InputStream tar) {
    try (var in = new TarArchiveInputStream(tar)) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        WorkspacePath target = dir.resolve(e.getName());
        if (e.isDirectory()) {
          makeDirectory(target);
        } else {
          write(target, in, Long.MAX_VALUE);
        }
      }
    } catch (IOException e) {
      throw BerthException.badRequest("not a tar archive: " + e.getMessage());
    }
  }

  synchronized void getArchive(WorkspacePath path, OutputStream out) {
    try {
      var tar = new TarArchiveOutputStream(out);
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      String prefix = path.isRoot() ? "" : path.value();
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        if (prefix.isEmpty() || f.getKey().equals(prefix) || f.getKey().startsWith(prefix + "/")) {
          var entry = new TarArchiveEntry(f.getKey());
          entry.setSize(f.getValue().length);
          tar.putArchiveEntry(entry);
          tar.write(f.getValue());
          tar.closeArchiveEntry();
        }
      }
      tar.finish();
      tar.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every file's text, for assertions. */
  synchronized Map<String, String> snapshot() {
    Map<String, String> out = new TreeMap<>();
    files.forEach((k, v) -> out.put(k, new String(v, java.nio.charset.StandardCharsets.UTF_8)));
    return out;
  }
}
