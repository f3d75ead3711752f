package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.WorkspacePath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Turns workspace paths into host paths that are provably inside the workspace, following symbolic
 * links the way the kernel would and refusing any that lead out — including dangling ones, which a
 * write would otherwise follow to create a file outside.
 *
 * <p>What remains is a time-of-check/time-of-use race with processes inside the session changing
 * links between the check and the I/O; the local backend is for trusted code (see docs).
 */
final class ConfinedRoot {
  private static final int MAX_LINK_DEPTH = 40; // as Linux's ELOOP limit
  private final Path root;

  ConfinedRoot(Path root) {
    try {
      this.root = root.toRealPath();
    } catch (IOException e) {
      throw new BerthException(ErrorCode.RUNTIME_FAILURE, "workspace is missing: " + root, e);
    }
  }

  Path root() {
    return root;
  }

  /** The real location of {@code p}, following every link; for reads, writes, listings. */
  Path follow(WorkspacePath p) {
    return effective(root.resolve(p.value()), p, 0, () -> escape(p));
  }

  /**
   * Refuses a link to be made at {@code at} with target {@code linkName} unless it leads inside the
   * workspace as the kernel would resolve it: from the link's real directory (every link above it
   * followed: {@code d1/d2/top/esc2} may really sit at the root), through the links it meets.
   */
  void checkLink(WorkspacePath at, String linkName) {
    Path realParent = follow(at.parent());
    effective(
        realParent.resolve(linkName),
        at,
        0,
        () -> dev.berth.runtime.TarEntries.linkOutside(at, linkName));
  }

  /**
   * The location of {@code p} itself: its parent's links are followed, its own name is not. For
   * operations on a link rather than its target: stat, delete, move.
   */
  Path noFollow(WorkspacePath p) {
    if (p.isRoot()) {
      return root;
    }
    return follow(p.parent()).resolve(p.fileName());
  }

  /** The workspace path of a host path inside the root. */
  String relative(Path inside) {
    return root.relativize(inside).toString();
  }

  private Path effective(
      Path candidate,
      WorkspacePath asked,
      int depth,
      java.util.function.Supplier<BerthException> outside) {
    if (depth > MAX_LINK_DEPTH) {
      throw BerthException.badRequest("path '" + asked + "' has too many levels of links");
    }
    Deque<Path> missing = new ArrayDeque<>();
    Path existing = candidate;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      missing.push(existing.getFileName());
      existing = existing.getParent();
    }
    if (existing == null) {
      throw outside.get();
    }
    Path real;
    try {
      if (Files.isSymbolicLink(existing) && !Files.exists(existing)) {
        // A dangling link: where it points is where a write would land.
        Path target =
            existing.getParent().toRealPath().resolve(Files.readSymbolicLink(existing)).normalize();
        for (Path m : missing) {
          target = target.resolve(m);
        }
        return effective(target, asked, depth + 1, outside);
      }
      real = existing.toRealPath();
    } catch (IOException e) {
      throw new BerthException(ErrorCode.RUNTIME_FAILURE, "cannot resolve '" + asked + "': " + e);
    }
    for (Path m : missing) {
      real = real.resolve(m);
    }
    // A ".." among the missing names (a link's target can have one) climbs lexically: the kernel
    // would fail there, and anything made there later is checked again when it is used.
    real = real.normalize();
    if (!real.startsWith(root)) {
      throw outside.get();
    }
    return real;
  }

  private static BerthException escape(WorkspacePath asked) {
    return BerthException.badRequest(
        "path '" + asked + "' is outside the workspace: it leads out through a symbolic link");
  }
}
