package dev.berth.runtime.docker;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The numeric owner that files written into a workspace get: the container's user, so the app can
 * change what the API wrote.
 *
 * <p>Why not the engine's {@code copyUIDGID}: it resolves the user with {@code getent} against the
 * container's {@code /etc/passwd} and fails outright for a numeric user that has no entry there
 * ({@code 1000:1000} in an image without one), which is common. So Berth resolves the user itself
 * (numbers as they are, names through the container's own passwd and group files, read with the
 * archive API) and puts the numbers in the tar headers, which the engine applies as they are.
 */
final class ContainerUsers {
  /** A numeric owner. */
  record Owner(int uid, int gid) {
    static final Owner ROOT = new Owner(0, 0);
  }

  private final DockerEngine engine;
  // A container's user never changes; its files are read once per container.
  private final Map<String, Owner> byContainer = new ConcurrentHashMap<>();

  ContainerUsers(DockerEngine engine) {
    this.engine = engine;
  }

  Owner of(String containerId, String userSpec) {
    return byContainer.computeIfAbsent(containerId, id -> resolve(id, userSpec));
  }

  void forget(String containerId) {
    byContainer.remove(containerId);
  }

  private Owner resolve(String containerId, String spec) {
    if (spec == null || spec.isBlank()) {
      return Owner.ROOT;
    }
    String[] parts = spec.split(":", 2);
    String user = parts[0];
    Optional<String> group = parts.length > 1 ? Optional.of(parts[1]) : Optional.empty();
    Integer uid = number(user);
    Integer primaryGid = null;
    if (uid == null || group.isEmpty()) {
      // passwd: name:x:uid:gid:...
      for (String line : file(containerId, "/etc/passwd").split("\n")) {
        String[] f = line.split(":");
        if (f.length >= 4 && (f[0].equals(user) || f[2].equals(user))) {
          uid = number(f[2]);
          primaryGid = number(f[3]);
          break;
        }
      }
    }
    if (uid == null) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE,
          "the container's user '" + spec + "' is not in its /etc/passwd; use a numeric uid");
    }
    int gid;
    if (group.isEmpty()) {
      gid = primaryGid == null ? 0 : primaryGid;
    } else if (number(group.get()) != null) {
      gid = number(group.get());
    } else {
      gid = groupId(containerId, group.get(), spec);
    }
    return new Owner(uid, gid);
  }

  private int groupId(String containerId, String name, String spec) {
    for (String line : file(containerId, "/etc/group").split("\n")) {
      String[] f = line.split(":");
      if (f.length >= 3 && f[0].equals(name) && number(f[2]) != null) {
        return number(f[2]);
      }
    }
    throw new BerthException(
        ErrorCode.RUNTIME_FAILURE,
        "the group of the container's user '" + spec + "' is not in its /etc/group");
  }

  private static Integer number(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A small file of the container's own filesystem; empty when it is not there. */
  private String file(String containerId, String path) {
    try (InputStream raw = engine.client.copyArchiveFromContainerCmd(containerId, path).exec();
        var tar = new TarArchiveInputStream(raw)) {
      if (tar.getNextEntry() == null) {
        return "";
      }
      var out = new ByteArrayOutputStream();
      tar.transferTo(out);
      return out.toString(StandardCharsets.UTF_8);
    } catch (Exception e) {
      return "";
    }
  }
}
