package dev.berth.runtime.kubernetes;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.FileEntry;
import dev.berth.runtime.FileLimits;
import dev.berth.runtime.SpoolDir;
import dev.berth.runtime.StatLine;
import dev.berth.runtime.WorkspacePath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A workspace's files through exec into a pod that mounts it: each call is one exec of {@link
 * FilesScript}, whose exit code becomes Berth's error (not found, outside, too large...). Bytes in
 * travel on the exec's stdin, bytes out on its stdout.
 *
 * <p>Each call costs one exec round-trip through the API server and the kubelet (tens of
 * milliseconds on a real cluster), whatever the file's size: batch with archives.
 */
final class PodFiles {
  private static final Duration LIMIT = Duration.ofMinutes(10);

  /**
   * Where the files are: a namespace, a pod that mounts the workspace, the mount path, and the
   * container of the pod that runs the calls (the main one unless a session's extra one is asked).
   */
  record Target(String namespace, String pod, String root, String container) {
    Target(String namespace, String pod, String root) {
      this(namespace, pod, root, KubeManifests.CONTAINER);
    }

    Target in(String other) {
      return new Target(namespace, pod, root, other);
    }
  }

  private final PodExec exec;
  private final SpoolDir spoolDir;

  PodFiles(PodExec exec, SpoolDir spoolDir) {
    this.exec = exec;
    this.spoolDir = spoolDir;
  }

  private static final byte[] SCRIPT = FilesScript.SCRIPT.getBytes(StandardCharsets.UTF_8);

  private PodExec.Raw run(
      Target t, String op, List<String> args, byte[] data, long maxOutput, WorkspacePath p) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "/bin/sh", "-c", FilesScript.loader(SCRIPT.length), "berth-files", op, root(t)));
    argv.addAll(args);
    byte[] stdin = new byte[SCRIPT.length + data.length];
    System.arraycopy(SCRIPT, 0, stdin, 0, SCRIPT.length);
    System.arraycopy(data, 0, stdin, SCRIPT.length, data.length);
    PodExec.Raw r = exec.raw(t.namespace(), t.pod(), t.container(), argv, stdin, LIMIT, maxOutput);
    if (r.timedOut()) {
      throw new BerthException(
          ErrorCode.TIMEOUT, "file operation '" + op + "' on '" + p + "' timed out");
    }
    return r;
  }

  private static String root(Target t) {
    String r = t.root().replaceAll("/+$", "");
    return r.isEmpty() ? "/" : r;
  }

  /** Turns the script's exit code into Berth's error; returns normally on 0. */
  private static void check(PodExec.Raw r, String op, WorkspacePath p, WorkspacePath other) {
    switch (r.exitCode()) {
      case 0 -> {}
      case 2 -> throw BerthException.notFound("no file or directory '" + p + "' in the workspace");
      case 3 ->
          throw BerthException.badRequest(
              "path '"
                  + (other == null ? p : p + "' or '" + other)
                  + "' is outside the workspace:"
                  + " it leads out through a symbolic link");
      case 4 -> throw BerthException.badRequest("'" + p + "' is a directory");
      case 6 ->
          throw BerthException.conflict(
              "directory '" + p + "' is not empty; delete it recursively");
      case 7 ->
          throw BerthException.conflict("'" + (other == null ? p : other) + "' already exists");
      case 8 -> throw BerthException.badRequest("'" + p + "' is not a directory");
      case 9 -> throw BerthException.badRequest("cannot move '" + p + "' into itself");
      case 10 -> throw FileLimits.notRegularFile(p);
      case 11 ->
          throw BerthException.badRequest(
              "archive link '"
                  + new String(r.stderr().bytes(), StandardCharsets.UTF_8).strip()
                  + "' points outside the workspace: its directory is reached through a symbolic"
                  + " link in the workspace");
      default ->
          throw new BerthException(
              ErrorCode.RUNTIME_FAILURE,
              "cannot "
                  + op
                  + " '"
                  + p
                  + "': "
                  + new String(r.stderr().bytes(), StandardCharsets.UTF_8).strip()
                  + " (exit "
                  + r.exitCode()
                  + ")");
    }
  }

  byte[] read(Target t, WorkspacePath p, long maxBytes) {
    PodExec.Raw r =
        run(t, "read", List.of(p.value(), Long.toString(maxBytes)), new byte[0], maxBytes + 1, p);
    if (r.exitCode() == 5 || r.stdout().total() > maxBytes) {
      throw FileLimits.tooLarge(p, maxBytes);
    }
    if (r.exitCode() == 4) {
      throw BerthException.badRequest("'" + p + "' is a directory; list it instead");
    }
    check(r, "read", p, null);
    return r.stdout().bytes();
  }

  /**
   * Spools up to {@code maxBytes} here (in the spool directory) first, so an oversized write sends
   * nothing.
   */
  void write(Target t, WorkspacePath p, InputStream data, long maxBytes) {
    if (p.isRoot()) {
      throw BerthException.conflict("the workspace root is a directory");
    }
    Path buffer = null;
    try {
      buffer = spoolDir.newFile("berth-k8s-write-", ".bin");
      long size = FileLimits.copyBounded(data, buffer, maxBytes, p);
      byte[] bytes = Files.readAllBytes(buffer);
      PodExec.Raw r = run(t, "write", List.of(p.value(), Long.toString(size)), bytes, 64 * 1024, p);
      if (r.exitCode() == 4) {
        throw BerthException.conflict("'" + p + "' is a directory");
      }
      check(r, "write", p, null);
    } catch (IOException e) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE, "cannot write '" + p + "': " + e.getMessage(), e);
    } finally {
      if (buffer != null) {
        try {
          Files.deleteIfExists(buffer);
        } catch (IOException ignored) {
          // a stray temp file; harmless
        }
      }
    }
  }

  Optional<FileEntry> stat(Target t, WorkspacePath p) {
    PodExec.Raw r = run(t, "stat", List.of(p.value()), new byte[0], 4096, p);
    if (r.exitCode() == 2) {
      return Optional.empty();
    }
    check(r, "stat", p, null);
    String line = new String(r.stdout().bytes(), StandardCharsets.UTF_8).strip();
    return Optional.of(StatLine.parse(line, p.value()));
  }

  List<FileEntry> list(Target t, WorkspacePath p) {
    PodExec.Raw r = run(t, "list", List.of(p.value()), new byte[0], 64L << 20, p);
    check(r, "list", p, null);
    if (r.stdout().total() > r.stdout().bytes().length) {
      throw new BerthException(
          ErrorCode.TOO_LARGE, "directory '" + p + "' has too many entries to list");
    }
    byte[] out = r.stdout().bytes();
    List<FileEntry> entries = new ArrayList<>();
    int i = 0;
    while (i < out.length) {
      int nl = indexOf(out, (byte) '\n', i);
      int nul = indexOf(out, (byte) 0, nl + 1);
      if (nl < 0 || nul < 0) {
        throw new BerthException(
            ErrorCode.RUNTIME_FAILURE, "cannot list '" + p + "': unexpected output");
      }
      String stat = new String(out, i, nl - i, StandardCharsets.UTF_8);
      String name = new String(out, nl + 1, nul - nl - 1, StandardCharsets.UTF_8);
      entries.add(StatLine.parse(stat, p.isRoot() ? name : p.value() + "/" + name));
      i = nul + 1;
    }
    entries.sort(Comparator.comparing(FileEntry::path));
    return entries;
  }

  private static int indexOf(byte[] a, byte b, int from) {
    for (int i = Math.max(0, from); i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }

  void delete(Target t, WorkspacePath p, boolean recursive) {
    if (p.isRoot()) {
      throw BerthException.badRequest("the workspace root cannot be deleted");
    }
    check(
        run(t, "delete", List.of(p.value(), recursive ? "1" : "0"), new byte[0], 4096, p),
        "delete",
        p,
        null);
  }

  void move(Target t, WorkspacePath from, WorkspacePath to) {
    if (from.isRoot()) {
      throw BerthException.badRequest("cannot move '" + from + "' into itself");
    }
    check(
        run(t, "move", List.of(from.value(), to.value()), new byte[0], 4096, from),
        "move",
        from,
        to);
  }

  void makeDirectory(Target t, WorkspacePath p) {
    check(run(t, "mkdir", List.of(p.value()), new byte[0], 4096, p), "create directory", p, null);
  }

  /** The absolute, confined directory for an exec's working directory. */
  String workingDirectory(Target t, WorkspacePath p) {
    PodExec.Raw r = run(t, "cwd", List.of(p.value()), new byte[0], 64 * 1024, p);
    if (r.exitCode() == 8 || r.exitCode() == 2) {
      throw BerthException.badRequest("cwd '" + p + "' is not a directory");
    }
    check(r, "use as working directory", p, null);
    return new String(r.stdout().bytes(), StandardCharsets.UTF_8);
  }

  /** Which of {@code paths} exist (links included, not followed). */
  List<String> existing(Target t, List<String> paths) {
    if (paths.isEmpty()) {
      return List.of();
    }
    byte[] list = lines(paths);
    PodExec.Raw r =
        run(
            t,
            "exists",
            List.of(Integer.toString(list.length)),
            list,
            64L << 20,
            WorkspacePath.ROOT);
    check(r, "look up", WorkspacePath.ROOT, null);
    List<String> out = new ArrayList<>();
    for (String s : new String(r.stdout().bytes(), StandardCharsets.UTF_8).split("\0")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /** Streams {@code path}'s tar as the pod's tar makes it into {@code sink}. */
  void download(Target t, WorkspacePath p, OutputStream sink) {
    var bytes = new ByteArrayOutputStream();
    PodExec.Raw r = run(t, "get", List.of(p.value()), new byte[0], Long.MAX_VALUE, p);
    check(r, "archive", p, null);
    try {
      sink.write(r.stdout().bytes());
    } catch (IOException e) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE, "cannot archive '" + p + "': " + e.getMessage(), e);
    }
    bytes.reset();
  }

  /**
   * Unpacks a checked tar (see {@link PodArchives}) into {@code dir}; {@code checks} are {@code
   * 0:path} (an entry: links on the way must stay inside) and {@code 1:path} (a link's target).
   */
  void upload(Target t, WorkspacePath dir, byte[] tar, List<String> checks) {
    byte[] list = lines(checks);
    byte[] data = new byte[list.length + tar.length];
    System.arraycopy(list, 0, data, 0, list.length);
    System.arraycopy(tar, 0, data, list.length, tar.length);
    List<String> args =
        List.of(dir.value(), Integer.toString(tar.length), Integer.toString(list.length));
    check(run(t, "put", args, data, 64 * 1024, dir), "unpack into", dir, null);
  }

  /** Paths one per line, for the script's list-taking operations; a newline in one is refused. */
  private static byte[] lines(List<String> paths) {
    for (String p : paths) {
      if (p.indexOf('\n') >= 0) {
        throw BerthException.badRequest(
            "path '" + p.replace("\n", "\\n") + "' has a newline; not supported on Kubernetes");
      }
    }
    return (String.join("\n", paths) + "\n").getBytes(StandardCharsets.UTF_8);
  }
}
