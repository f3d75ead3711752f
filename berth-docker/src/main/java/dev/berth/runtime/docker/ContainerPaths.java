package dev.berth.runtime.docker;

import dev.berth.base.BerthException;
import dev.berth.runtime.WorkspacePath;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns workspace paths into absolute paths inside the session container that are provably inside
 * the workspace mount.
 *
 * <p>Why this exists: the engine's archive API resolves paths in the container's filesystem and
 * follows symlinks there, so a link in the volume pointing at {@code /etc} (or dangling towards a
 * path outside) would let a file call read or write the container's own files. So before any
 * archive call, the path is walked one component at a time with {@code HEAD /archive} (an lstat
 * that reports a link's fully evaluated target in the container's scope), every link is checked to
 * land inside the workspace, and the archive call then gets the resolved, link-free path.
 *
 * <p>What remains is a time-of-check/time-of-use race with processes inside the session that swap a
 * directory for a link between the check and the archive call. Such a race can only reach the
 * session's own container filesystem (the engine scopes archive paths to the container), never the
 * host or another session.
 */
final class ContainerPaths {
  private final DockerEngine engine;
  private final String containerId;
  private final String root;
  private final ContainerUsers.Owner owner;
  // One instance serves one operation: its answers stay valid until that operation writes.
  private final Map<String, Optional<PathStat>> cache = new HashMap<>();

  ContainerPaths(
      DockerEngine engine, String containerId, String workspacePath, ContainerUsers.Owner owner) {
    this.engine = engine;
    this.containerId = containerId;
    this.owner = owner;
    String r = workspacePath.replaceAll("/+$", "");
    this.root = r.isEmpty() ? "/" : r;
  }

  String root() {
    return root;
  }

  String containerId() {
    return containerId;
  }

  /** Who files written into the workspace belong to: the container's user. */
  ContainerUsers.Owner owner() {
    return owner;
  }

  /** The real location of {@code p}, following every link; for reads, writes, listings. */
  String follow(WorkspacePath p) {
    return resolve(p, true);
  }

  /**
   * The location of {@code p} itself: its parents' links are followed, its own name is not. For
   * operations on a link rather than its target: stat, delete, move.
   */
  String noFollow(WorkspacePath p) {
    return resolve(p, false);
  }

  Optional<PathStat> stat(String absPath) {
    Optional<PathStat> known = cache.get(absPath);
    if (known == null) {
      known = engine.stat(containerId, absPath);
      cache.put(absPath, known);
    }
    return known;
  }

  /** Forgets what {@link #stat} saw; after this operation changed the workspace. */
  void forget() {
    cache.clear();
  }

  /** The workspace-relative form of an absolute path inside the root. */
  String relative(String abs) {
    if (abs.equals(root)) {
      return "";
    }
    return abs.substring(root.equals("/") ? 1 : root.length() + 1);
  }

  boolean inside(String abs) {
    return abs.equals(root) || abs.startsWith(root.equals("/") ? "/" : root + "/");
  }

  static String join(String dir, String name) {
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }

  static String parentOf(String abs) {
    int slash = abs.lastIndexOf('/');
    return slash <= 0 ? "/" : abs.substring(0, slash);
  }

  private String resolve(WorkspacePath p, boolean followLast) {
    if (p.isRoot()) {
      return root;
    }
    List<String> segments = List.of(p.value().split("/"));
    String real = root;
    for (int i = 0; i < segments.size(); i++) {
      String candidate = join(real, segments.get(i));
      Optional<PathStat> st = stat(candidate);
      if (st.isEmpty()) {
        // Nothing there: the rest of the path does not exist either, and has no links to follow.
        for (String rest : segments.subList(i + 1, segments.size())) {
          candidate = join(candidate, rest);
        }
        return candidate;
      }
      boolean last = i == segments.size() - 1;
      if (st.get().isSymlink() && (followLast || !last)) {
        String target = st.get().linkTarget();
        if (target.isEmpty() || !inside(target)) {
          throw escape(p);
        }
        real = target;
      } else {
        real = candidate;
      }
    }
    return real;
  }

  private static BerthException escape(WorkspacePath asked) {
    return BerthException.badRequest(
        "path '" + asked + "' is outside the workspace: it leads out through a symbolic link");
  }
}
