package dev.berth.runtime.docker;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.CheckedArchive;
import dev.berth.runtime.SpoolDir;
import dev.berth.runtime.TarEntries;
import dev.berth.runtime.WorkspacePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Tar in and out of a session's workspace through the engine's archive API, with the semantics of
 * the local backend: entry names are checked like any workspace path, links in an archive are kept
 * only when they are relative and point inside, hard links and special files are refused. A refused
 * archive writes nothing: it is checked and re-packed completely before the one upload.
 */
final class DockerArchives {
  private final DockerEngine engine;
  // A caller's archive is spooled where the re-packed one is (TarSpool): the data directory's tmp.
  private final SpoolDir spoolDir;

  DockerArchives(DockerEngine engine, SpoolDir spoolDir) {
    this.engine = engine;
    this.spoolDir = spoolDir;
  }

  /** A new tar for one upload to the workspace root, spooled beside the others. */
  TarSpool newSpool(ContainerPaths paths) throws IOException {
    return new TarSpool(paths, spoolDir);
  }

  /** Where this backend's manager-side files go. */
  SpoolDir spoolDir() {
    return spoolDir;
  }

  /** Uploads a finished spool to the workspace root. */
  void upload(ContainerPaths paths, TarSpool spool) throws IOException {
    if (spool.isEmpty()) {
      return;
    }
    Path file = spool.finish();
    try (InputStream in = Files.newInputStream(file)) {
      engine
          .client
          .copyArchiveToContainerCmd(paths.containerId())
          .withRemotePath(paths.root())
          .withTarInputStream(in)
          .withNoOverwriteDirNonDir(true)
          // owners come from the entries (the container's user); see ContainerUsers for why
          .withCopyUIDGID(false)
          .exec();
    } catch (RuntimeException e) {
      throw DockerEngine.failure("write into the workspace", e);
    } finally {
      paths.forget();
    }
  }

  /**
   * Gives a new volume's root to the container's user: the engine makes it root's, and an app
   * running as another user could not create files at the top of its own workspace.
   */
  void ownRoot(ContainerPaths paths) {
    ContainerUsers.Owner owner = paths.owner();
    if (owner.equals(ContainerUsers.Owner.ROOT) || paths.root().equals("/")) {
      return;
    }
    String root = paths.root();
    var entry = new TarArchiveEntry(root.substring(root.lastIndexOf('/') + 1) + "/");
    entry.setMode(0755);
    entry.setUserId(owner.uid());
    entry.setGroupId(owner.gid());
    var bytes = new java.io.ByteArrayOutputStream();
    try (var tar = new TarArchiveOutputStream(bytes)) {
      tar.putArchiveEntry(entry);
      tar.closeArchiveEntry();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    try {
      engine
          .client
          .copyArchiveToContainerCmd(paths.containerId())
          .withRemotePath(ContainerPaths.parentOf(root))
          .withTarInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))
          .exec();
    } catch (RuntimeException e) {
      throw DockerEngine.failure("give the workspace to the container's user", e);
    } finally {
      paths.forget();
    }
  }

  /** Streams the tar of {@code abs} as the engine makes it, entry by entry, to {@code visitor}. */
  void download(ContainerPaths paths, String abs, TarVisitor visitor) {
    try (InputStream raw =
            engine.client.copyArchiveFromContainerCmd(paths.containerId(), abs).exec();
        var in = new TarArchiveInputStream(raw)) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        if (!visitor.visit(entry, in)) {
          break;
        }
      }
    } catch (IOException e) {
      throw DockerEngine.failure("read '" + abs + "'", e);
    } catch (RuntimeException e) {
      if (e instanceof BerthException) {
        throw e;
      }
      if (DockerEngine.isNotFound(e)) {
        throw BerthException.notFound("no file or directory '" + paths.relative(abs) + "'");
      }
      throw DockerEngine.failure("read '" + abs + "'", e);
    }
  }

  /** Receives entries of a downloaded tar; returns false to stop early. */
  interface TarVisitor {
    boolean visit(TarArchiveEntry entry, InputStream content) throws IOException;
  }

  /** Unpacks a caller's tar into {@code dir}; see the class comment. */
  void put(ContainerPaths paths, WorkspacePath dir, InputStream tar) {
    try (var checked = CheckedArchive.spool(tar, dir, spoolDir.ensured(), Long.MAX_VALUE);
        var spool = newSpool(paths);
        var in = checked.open()) {
      List<String[]> links = new ArrayList<>();
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        String name = entry.getName();
        WorkspacePath target = dir.resolve(name);
        switch (TarEntries.kindOf(entry)) {
          case DIRECTORY -> spool.directory(paths.relative(paths.follow(target)));
          case SYMLINK -> links.add(new String[] {target.value(), entry.getLinkName()});
          case FILE -> {
            String real = paths.follow(target);
            if (paths.stat(real).map(PathStat::isDirectory).orElse(false)) {
              throw BerthException.conflict(
                  "archive entry '" + name + "' would replace a directory");
            }
            spool.file(paths.relative(real), in, entry.getSize(), entry.getMode() & 0777);
          }
        }
      }
      // Links last, checked once every directory the archive makes is known.
      for (String[] link : links) {
        WorkspacePath at = new WorkspacePath(link[0]);
        checkLink(paths, spool, at, link[1]);
        spool.link(paths.relative(paths.noFollow(at)), link[1]);
      }
      upload(paths, spool);
    } catch (IOException e) {
      throw BerthException.badRequest("not a valid tar archive: " + e.getMessage());
    }
  }

  /**
   * A link may be unpacked only if it is relative and leads inside the workspace both on paper and
   * in the container as it is now; a {@code ..} after a component that does not exist yet is
   * refused unless this archive makes that component a directory, since a link could otherwise
   * later take its place and make the {@code ..} lead anywhere.
   */
  private static void checkLink(
      ContainerPaths paths, TarSpool spool, WorkspacePath at, String linkName) {
    TarEntries.checkLinkOnPaper(at, linkName);
    if (paths.stat(paths.noFollow(at)).map(PathStat::isDirectory).orElse(false)) {
      throw BerthException.conflict("archive link '" + at + "' would replace a directory");
    }
    String current = paths.follow(at.parent());
    boolean missing = missing(paths, spool, current);
    for (String segment : linkName.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (missing || current.equals(paths.root())) {
          throw linkOutside(at, linkName);
        }
        current = ContainerPaths.parentOf(current);
        continue;
      }
      String next = ContainerPaths.join(current, segment);
      Optional<PathStat> st = missing ? Optional.empty() : paths.stat(next);
      if (st.isEmpty()) {
        missing = missing || missing(paths, spool, next);
        current = next;
      } else if (st.get().isSymlink()) {
        if (!paths.inside(st.get().linkTarget())) {
          throw linkOutside(at, linkName);
        }
        current = st.get().linkTarget();
      } else {
        current = next;
      }
    }
    if (!paths.inside(current)) {
      throw linkOutside(at, linkName);
    }
  }

  /** Neither in the container nor made a directory by the archive being unpacked. */
  private static boolean missing(ContainerPaths paths, TarSpool spool, String abs) {
    return paths.stat(abs).isEmpty()
        && !(paths.inside(abs) && spool.makesDirectory(paths.relative(abs)));
  }

  private static BerthException linkOutside(WorkspacePath at, String linkName) {
    return TarEntries.linkOutside(at, linkName);
  }

  /** Writes {@code path} as a tar whose entries are named from {@code path}'s own name. */
  void get(ContainerPaths paths, WorkspacePath path, OutputStream out) {
    String real = paths.follow(path);
    if (paths.stat(real).isEmpty()) {
      throw BerthException.notFound("no file or directory '" + path + "' in the workspace");
    }
    String engineBase = real.substring(real.lastIndexOf('/') + 1);
    String askedBase = path.isRoot() ? "" : path.fileName();
    var tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    download(
        paths,
        real,
        (entry, content) -> {
          String renamed = TarEntries.rename(entry.getName(), engineBase, askedBase);
          if (renamed.isEmpty()) {
            return true; // the root directory itself
          }
          entry.setName(renamed);
          tar.putArchiveEntry(entry);
          if (entry.isFile()) {
            content.transferTo(tar);
          }
          tar.closeArchiveEntry();
          return true;
        });
    try {
      tar.finish();
      tar.flush();
    } catch (IOException e) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE, "cannot archive '" + path + "': " + e.getMessage(), e);
    }
  }

  /** Copies a project skeleton into the workspace; existing files are never overwritten. */
  void seed(ContainerPaths paths, Path skeleton) {
    try (var spool = newSpool(paths);
        Stream<Path> walk = Files.walk(skeleton)) {
      for (Path src : walk.sorted().toList()) {
        if (src.equals(skeleton)) {
          continue;
        }
        var rel = WorkspacePath.parse(skeleton.relativize(src).toString().replace('\\', '/'));
        String real = paths.follow(rel);
        if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
          spool.directory(paths.relative(real));
        } else if (Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)
            && paths.stat(real).isEmpty()) {
          int mode = Files.isExecutable(src) ? 0755 : 0644;
          try (InputStream in = Files.newInputStream(src)) {
            spool.file(paths.relative(real), in, Files.size(src), mode);
          }
        }
      }
      upload(paths, spool);
    } catch (IOException e) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE, "cannot seed the workspace from " + skeleton + ": " + e, e);
    }
  }

  /** Collects the direct children of {@code abs} from its tar, for a listing. */
  List<TarArchiveEntry> children(ContainerPaths paths, String abs) {
    String base = abs.substring(abs.lastIndexOf('/') + 1);
    List<TarArchiveEntry> out = new ArrayList<>();
    download(
        paths,
        abs,
        (entry, content) -> {
          String rest = TarEntries.rename(entry.getName(), base, "");
          if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
          }
          if (!rest.isEmpty() && rest.indexOf('/') < 0) {
            entry.setName(rest);
            out.add(entry);
          }
          return true;
        });
    return out;
  }
}
