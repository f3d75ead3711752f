package dev.berth.runtime.docker;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.FileEntry;
import dev.berth.runtime.FileLimits;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.StatLine;
import dev.berth.runtime.WorkspacePath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * File operations on a session's workspace through the engine's archive API, which works on a
 * created or stopped container as well as a running one. Removing and renaming have no archive call
 * and run as commands ({@link FileCommands}). Every path is confined by {@link ContainerPaths}.
 */
final class DockerFiles {
  private final DockerArchives archives;
  private final FileCommands commands;

  DockerFiles(DockerArchives archives, FileCommands commands) {
    this.archives = archives;
    this.commands = commands;
  }

  byte[] read(ContainerPaths paths, WorkspacePath p, long maxBytes) {
    String real = paths.follow(p);
    PathStat st = paths.stat(real).orElseThrow(() -> notFound(p));
    if (st.isDirectory()) {
      throw BerthException.badRequest("'" + p + "' is a directory; list it instead");
    }
    if (!st.isFile()) {
      throw FileLimits.notRegularFile(p);
    }
    if (st.size() > maxBytes) {
      throw FileLimits.tooLarge(p, maxBytes);
    }
    var bytes = new ByteArrayOutputStream((int) Math.min(st.size(), 1 << 20));
    archives.download(
        paths,
        real,
        (entry, content) -> {
          if (entry.getSize() > maxBytes) {
            throw FileLimits.tooLarge(p, maxBytes);
          }
          content.transferTo(bytes);
          return false;
        });
    return bytes.toByteArray();
  }

  /**
   * Writes a file. The bytes are first spooled to the manager's disk (the data directory's tmp) up
   * to {@code maxBytes}, so an oversized write leaves nothing behind; the engine then replaces the
   * file in one unpack (not an atomic rename: a concurrent reader can see the file missing for a
   * moment).
   */
  void write(ContainerPaths paths, WorkspacePath p, InputStream data, long maxBytes) {
    if (p.isRoot()) {
      throw BerthException.conflict("the workspace root is a directory");
    }
    String real = paths.follow(p);
    Optional<PathStat> existing = paths.stat(real);
    if (existing.map(PathStat::isDirectory).orElse(false)) {
      throw BerthException.conflict("'" + p + "' is a directory");
    }
    if (existing.isPresent() && !existing.get().isFile()) {
      throw FileLimits.notRegularFile(p);
    }
    // rw-r--r-- for a new file; a replaced file keeps its mode, as on the local backend
    int mode = existing.filter(PathStat::isFile).map(st -> (int) (st.mode() & 0777)).orElse(0644);
    Path buffer = null;
    try {
      buffer = archives.spoolDir().newFile("berth-write-", ".bin");
      long size = FileLimits.copyBounded(data, buffer, maxBytes, p);
      try (var spool = archives.newSpool(paths);
          InputStream in = Files.newInputStream(buffer)) {
        spool.file(paths.relative(real), in, size, mode);
        archives.upload(paths, spool);
      }
    } catch (IOException e) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE, "cannot write '" + p + "': " + e.getMessage(), e);
    } finally {
      deleteQuietly(buffer);
    }
  }

  /**
   * The entries of a directory. The engine has no listing call: in a running container a {@code
   * find | stat} exec lists just the one level (~60 ms whatever the tree's size); when that is not
   * possible (stopped, no such tools in the image, names with newlines) the directory's tar is read
   * for its headers, which transfers the whole subtree.
   */
  List<FileEntry> list(
      RuntimeSession s, DockerNames names, boolean running, ContainerPaths paths, WorkspacePath p) {
    String real = paths.follow(p);
    PathStat st = paths.stat(real).orElseThrow(() -> notFound(p));
    if (!st.isDirectory()) {
      throw BerthException.badRequest("'" + p + "' is a file, not a directory");
    }
    String relDir = paths.relative(real);
    List<FileEntry> out =
        running
            ? listByExec(s, names, real, relDir).orElseGet(() -> listByTar(paths, real, relDir))
            : listByTar(paths, real, relDir);
    out.sort(Comparator.comparing(FileEntry::path));
    return out;
  }

  private Optional<List<FileEntry>> listByExec(
      RuntimeSession s, DockerNames names, String real, String relDir) {
    ExecResult r;
    try {
      r =
          commands.run(
              s,
              names,
              true,
              List.of(
                  "find",
                  real,
                  "-mindepth",
                  "1",
                  "-maxdepth",
                  "1",
                  "-exec",
                  "stat",
                  "-c",
                  "%f %s %Y %n",
                  "{}",
                  "+"));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (r.exitCode() != 0 || r.stdoutTruncated()) {
      return Optional.empty();
    }
    List<FileEntry> out = new ArrayList<>();
    String text = new String(r.stdout(), java.nio.charset.StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(" ", 4);
      if (f.length < 4
          || !f[3].startsWith(real + "/")
          || f[3].indexOf('/', real.length() + 1) >= 0) {
        return Optional.empty(); // not our format (a name with a newline, another stat): use tar
      }
      try {
        String name = f[3].substring(real.length() + 1);
        out.add(StatLine.entry(f[0], f[1], f[2], relDir.isEmpty() ? name : relDir + "/" + name));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.of(out);
  }

  private List<FileEntry> listByTar(ContainerPaths paths, String real, String relDir) {
    List<FileEntry> out = new ArrayList<>();
    for (TarArchiveEntry e : archives.children(paths, real)) {
      String rel = relDir.isEmpty() ? e.getName() : relDir + "/" + e.getName();
      // commons-compress counts fifos and devices as files: ask about them first. (A second
      // hard link to a file comes as a link entry of size 0: a file, its size unknown here.)
      boolean special = e.isFIFO() || e.isCharacterDevice() || e.isBlockDevice();
      FileEntry.Type type =
          e.isSymbolicLink()
              ? FileEntry.Type.SYMLINK
              : e.isDirectory()
                  ? FileEntry.Type.DIRECTORY
                  : !special && e.isFile() ? FileEntry.Type.FILE : FileEntry.Type.OTHER;
      long size = type == FileEntry.Type.FILE ? e.getSize() : 0;
      out.add(new FileEntry(rel, type, size, e.getModTime().toInstant()));
    }
    return out;
  }

  Optional<FileEntry> stat(ContainerPaths paths, WorkspacePath p) {
    String abs = paths.noFollow(p);
    return paths.stat(abs).map(st -> st.entry(paths.relative(abs)));
  }

  void makeDirectory(ContainerPaths paths, WorkspacePath p) {
    String real = paths.follow(p);
    try (var spool = archives.newSpool(paths)) {
      spool.directory(paths.relative(real));
      archives.upload(paths, spool);
    } catch (IOException e) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE, "cannot create directory '" + p + "': " + e.getMessage(), e);
    }
  }

  void delete(
      RuntimeSession s,
      DockerNames names,
      boolean running,
      ContainerPaths paths,
      WorkspacePath p,
      boolean recursive) {
    if (p.isRoot()) {
      throw BerthException.badRequest("the workspace root cannot be deleted");
    }
    String abs = paths.noFollow(p);
    PathStat st = paths.stat(abs).orElseThrow(() -> notFound(p));
    List<String> argv;
    if (st.isDirectory() && !recursive) {
      argv = List.of("rmdir", "--", abs);
    } else {
      argv = List.of("rm", "-rf", "--", abs);
    }
    ExecResult r = commands.run(s, names, running, argv);
    paths.forget();
    if (r.exitCode() != 0) {
      if (st.isDirectory() && !recursive) {
        throw BerthException.conflict("directory '" + p + "' is not empty; delete it recursively");
      }
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE,
          "cannot delete '" + p + "': " + FileCommands.stderr(r) + " (exit " + r.exitCode() + ")");
    }
  }

  void move(
      RuntimeSession s,
      DockerNames names,
      boolean running,
      ContainerPaths paths,
      WorkspacePath from,
      WorkspacePath to) {
    String src = paths.noFollow(from);
    String dst = paths.noFollow(to);
    if (paths.stat(src).isEmpty()) {
      throw notFound(from);
    }
    if (paths.stat(dst).isPresent()) {
      throw BerthException.conflict("'" + to + "' already exists");
    }
    if (dst.equals(src) || dst.startsWith(src + "/") || from.isRoot()) {
      throw BerthException.badRequest("cannot move '" + from + "' into itself");
    }
    try (var spool = archives.newSpool(paths)) {
      spool.parents(paths.relative(dst));
      archives.upload(paths, spool);
    } catch (IOException e) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE, "cannot create the parents of '" + to + "': " + e, e);
    }
    ExecResult r = commands.run(s, names, running, List.of("mv", "-n", "--", src, dst));
    paths.forget();
    if (r.exitCode() != 0) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE,
          "cannot move '" + from + "': " + FileCommands.stderr(r) + " (exit " + r.exitCode() + ")");
    }
  }

  static BerthException notFound(WorkspacePath p) {
    return BerthException.notFound("no file or directory '" + p + "' in the workspace");
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a stray temp file in the manager's temp dir; harmless
      }
    }
  }
}
