package dev.berth.runtime.kubernetes;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.CheckedArchive;
import dev.berth.runtime.SpoolDir;
import dev.berth.runtime.TarEntries;
import dev.berth.runtime.WorkspacePath;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Tar in and out of a workspace through exec, with the local and Docker backends' rules: entry
 * names are checked like any workspace path, links are kept only when relative and leading inside,
 * hard links and special files are refused. A refused archive writes nothing: the archive is
 * checked and re-packed here completely, then the pod checks every entry's way and every link's
 * target, walked from the link's real directory, against the links already in the workspace before
 * the one {@code tar -x}.
 */
final class PodArchives {
  private final PodFiles files;
  private final SpoolDir spoolDir;

  PodArchives(PodFiles files, SpoolDir spoolDir) {
    this.files = files;
    this.spoolDir = spoolDir;
  }

  void put(PodFiles.Target t, WorkspacePath dir, InputStream tar) {
    var repacked = new ByteArrayOutputStream();
    List<String> checks = new ArrayList<>();
    Set<String> links = new HashSet<>();
    // Checked whole first (CheckedArchive): a cut-short or self-contradicting archive sends
    // nothing.
    try (var checked = CheckedArchive.spool(tar, dir, spoolDir.ensured(), Long.MAX_VALUE);
        var in = checked.open();
        var out = newTar(repacked)) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        String name = entry.getName();
        WorkspacePath target = dir.resolve(name);
        if (target.equals(dir)) {
          continue; // "./" itself
        }
        String rel = relative(dir, target);
        for (WorkspacePath up = target.parent();
            !up.isRoot() && !up.equals(dir);
            up = up.parent()) {
          if (links.contains(up.value())) {
            throw BerthException.badRequest(
                "archive entry '" + name + "' lies under the archive's own link '" + up + "'");
          }
        }
        switch (TarEntries.kindOf(entry)) {
          case DIRECTORY -> {
            var e = new TarArchiveEntry(rel + "/");
            e.setMode(entry.getMode() & 0777);
            out.putArchiveEntry(e);
            out.closeArchiveEntry();
          }
          case SYMLINK -> {
            String to = entry.getLinkName();
            linkTarget(target, to); // refused here when it leads out on paper
            // The pod walks the target from the link's real directory, which a link already in
            // the workspace may move: d1/d2/top -> ../.. makes d1/d2/top/x -> ../../.. point out.
            checks.add("L:" + to);
            links.add(target.value());
            var e = new TarArchiveEntry(rel, TarArchiveEntry.LF_SYMLINK);
            e.setLinkName(to);
            out.putArchiveEntry(e);
            out.closeArchiveEntry();
          }
          case FILE -> {
            var e = new TarArchiveEntry(rel);
            e.setSize(entry.getSize());
            e.setMode(entry.getMode() & 0777);
            out.putArchiveEntry(e);
            in.transferTo(out);
            out.closeArchiveEntry();
          }
        }
        checks.add("0:" + target.value());
      }
      out.finish();
    } catch (IOException e) {
      throw BerthException.badRequest("not a valid tar archive: " + e.getMessage());
    }
    if (checks.isEmpty()) {
      files.makeDirectory(t, dir);
      return;
    }
    files.upload(t, dir, repacked.toByteArray(), checks);
  }

  private static String relative(WorkspacePath dir, WorkspacePath target) {
    return dir.isRoot() ? target.value() : target.value().substring(dir.value().length() + 1);
  }

  /** Where a relative link at {@code at} points, lexically; refused when absolute or outside. */
  static WorkspacePath linkTarget(WorkspacePath at, String linkName) {
    if (linkName.startsWith("/")) {
      throw BerthException.badRequest(
          "archive link '" + at + "' -> '" + linkName + "' is absolute; only relative links");
    }
    List<String> parts = new ArrayList<>();
    if (!at.parent().isRoot()) {
      parts.addAll(List.of(at.parent().value().split("/")));
    }
    for (String seg : linkName.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (parts.isEmpty()) {
          throw BerthException.badRequest(
              "archive link '" + at + "' -> '" + linkName + "' points outside the workspace");
        }
        parts.removeLast();
      } else {
        parts.add(seg);
      }
    }
    return new WorkspacePath(String.join("/", parts));
  }

  /** Writes {@code path} as a tar whose entries are named from {@code path}'s own name. */
  void get(PodFiles.Target t, WorkspacePath path, OutputStream out) {
    var raw = new ByteArrayOutputStream();
    files.download(t, path, raw);
    String asked = path.isRoot() ? "" : path.fileName();
    try (var in = new TarArchiveInputStream(new ByteArrayInputStream(raw.toByteArray()))) {
      var tar = newTar(out);
      TarArchiveEntry entry;
      String base = null;
      while ((entry = in.getNextEntry()) != null) {
        String name = entry.getName();
        if (base == null) {
          base = path.isRoot() ? "." : name.replaceAll("/$", "");
        }
        String renamed = TarEntries.rename(name, base, asked);
        if (renamed.isEmpty()) {
          continue; // the root directory itself
        }
        entry.setName(renamed);
        tar.putArchiveEntry(entry);
        if (entry.isFile()) {
          in.transferTo(tar);
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
      tar.flush();
    } catch (IOException e) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE, "cannot archive '" + path + "': " + e.getMessage(), e);
    }
  }

  /** Copies a project skeleton into the workspace; existing files are never overwritten. */
  void seed(PodFiles.Target t, Path skeleton) {
    try (Stream<Path> walk = Files.walk(skeleton)) {
      List<Path> sources = walk.filter(p -> !p.equals(skeleton)).sorted().toList();
      List<String> rels = new ArrayList<>();
      for (Path src : sources) {
        rels.add(
            WorkspacePath.parse(skeleton.relativize(src).toString().replace('\\', '/')).value());
      }
      Set<String> present = new HashSet<>(files.existing(t, rels));
      var bytes = new ByteArrayOutputStream();
      List<String> checks = new ArrayList<>();
      try (var tar = newTar(bytes)) {
        for (int i = 0; i < sources.size(); i++) {
          Path src = sources.get(i);
          String rel = rels.get(i);
          if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
            var e = new TarArchiveEntry(rel + "/");
            e.setMode(0755);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
          } else if (Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)
              && !present.contains(rel)) {
            var e = new TarArchiveEntry(rel);
            e.setSize(Files.size(src));
            e.setMode(Files.isExecutable(src) ? 0755 : 0644);
            tar.putArchiveEntry(e);
            Files.copy(src, tar);
            tar.closeArchiveEntry();
          } else {
            continue;
          }
          checks.add("0:" + rel);
        }
        tar.finish();
      }
      if (!checks.isEmpty()) {
        files.upload(t, WorkspacePath.ROOT, bytes.toByteArray(), checks);
      }
    } catch (IOException e) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE, "cannot seed the workspace from " + skeleton + ": " + e, e);
    }
  }

  private static TarArchiveOutputStream newTar(OutputStream out) {
    var tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    return tar;
  }
}
