package dev.berth.runtime.docker;

import dev.berth.base.BerthException;
import dev.berth.runtime.SpoolDir;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A tar stream being built on disk for one {@code PUT /archive} to the workspace root, with entry
 * names relative to that root. Every name is a resolved, link-free path (see {@link
 * ContainerPaths}); missing parent directories get entries of their own so they belong to the
 * container's user like the files in them (the engine would create them as root otherwise). Every
 * entry carries the container user's numeric uid and gid (see {@link ContainerUsers}). Symlinks go
 * last, so no entry of the same archive is unpacked through one.
 */
final class TarSpool implements AutoCloseable {
  private final ContainerPaths paths;
  private final Path file;
  private final TarArchiveOutputStream tar;
  private final Set<String> emitted = new HashSet<>();
  private final List<String[]> links = new ArrayList<>();
  private int entries;

  TarSpool(ContainerPaths paths, SpoolDir spoolDir) throws IOException {
    this.paths = paths;
    this.file = spoolDir.newFile("berth-docker-", ".tar");
    OutputStream out = Files.newOutputStream(file);
    this.tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  boolean isEmpty() {
    return entries == 0 && links.isEmpty();
  }

  /** True when this archive creates {@code rel} as a directory (or found one there). */
  boolean makesDirectory(String rel) {
    return emitted.contains(rel);
  }

  /** Adds entries for the parents of {@code rel} that do not exist yet. */
  void parents(String rel) throws IOException {
    int slash = rel.lastIndexOf('/');
    if (slash > 0) {
      directory(rel.substring(0, slash));
    }
  }

  /**
   * Adds {@code rel} and its missing parents as directories; existing ones are left as they are.
   */
  void directory(String rel) throws IOException {
    if (rel.isEmpty() || emitted.contains(rel)) {
      return;
    }
    parents(rel);
    Optional<PathStat> st = paths.stat(ContainerPaths.join(paths.root(), rel));
    if (st.isPresent()) {
      if (!st.get().isDirectory()) {
        throw BerthException.conflict("'" + rel + "' exists and is not a directory");
      }
      emitted.add(rel);
      return;
    }
    var entry = new TarArchiveEntry(rel + "/");
    own(entry);
    entry.setMode(0755);
    entry.setModTime(Instant.now().toEpochMilli());
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
    emitted.add(rel);
    entries++;
  }

  void file(String rel, InputStream content, long size, int mode) throws IOException {
    parents(rel);
    var entry = new TarArchiveEntry(rel);
    own(entry);
    entry.setSize(size);
    entry.setMode(mode);
    entry.setModTime(Instant.now().toEpochMilli());
    tar.putArchiveEntry(entry);
    content.transferTo(tar);
    tar.closeArchiveEntry();
    entries++;
  }

  void link(String rel, String target) throws IOException {
    parents(rel);
    links.add(new String[] {rel, target});
  }

  private void own(TarArchiveEntry entry) {
    entry.setUserId(paths.owner().uid());
    entry.setGroupId(paths.owner().gid());
  }

  /** Finishes the archive and returns its file; the caller deletes it via {@link #close}. */
  Path finish() throws IOException {
    for (String[] link : links) {
      var entry = new TarArchiveEntry(link[0], TarArchiveEntry.LF_SYMLINK);
      own(entry);
      entry.setLinkName(link[1]);
      tar.putArchiveEntry(entry);
      tar.closeArchiveEntry();
    }
    links.clear();
    tar.finish();
    tar.close();
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      tar.close();
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
