package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.OwnerOnly;
import dev.berth.runtime.OwnedResource;
import dev.berth.runtime.OwnerLabels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local backend's sessions directory: one folder per session, its owner's only, with an owner
 * file that tells this installation's sessions from others', and logs read from the end.
 */
final class LocalSessionDirs {
  private LocalSessionDirs() {}

  /**
   * Sessions' directories are their owner's only (0700: the workspace may hold anything, the app's
   * log too); an older Berth made them 0755, which this corrects at start-up.
   */
  static void restrictExisting(Path sessionsDir) {
    if (!Files.isDirectory(sessionsDir)) {
      return; // made 0700 with the first session
    }
    OwnerOnly.existing(sessionsDir);
    try (Stream<Path> dirs = Files.list(sessionsDir)) {
      dirs.filter(Files::isDirectory)
          .forEach(
              dir -> {
                OwnerOnly.existing(dir);
                OwnerOnly.existing(dir.resolve("workspace"));
              });
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + sessionsDir, e);
    }
  }

  /**
   * The session directories this instance made, as owned resources (see {@code owner.properties}).
   */
  static List<OwnedResource> listOwned(Path sessionsDir, String ownerFileName, String instance) {
    List<OwnedResource> out = new ArrayList<>();
    if (!Files.isDirectory(sessionsDir)) {
      return out;
    }
    try (Stream<Path> dirs = Files.list(sessionsDir)) {
      for (Path dir : dirs.toList()) {
        Path ownerFile = dir.resolve(ownerFileName);
        if (!Files.isRegularFile(ownerFile)) {
          continue;
        }
        var owner = new java.util.Properties();
        try (var in = Files.newInputStream(ownerFile)) {
          owner.load(in);
        }
        if (!instance.equals(owner.getProperty(OwnerLabels.INSTANCE))) {
          continue;
        }
        String created = owner.getProperty("created");
        out.add(
            new OwnedResource(
                "directory",
                dir.toString(),
                owner.getProperty(OwnerLabels.SESSION),
                owner.getProperty(OwnerLabels.TEMPLATE),
                instance,
                created == null ? Optional.empty() : Optional.of(Instant.parse(created))));
      }
    } catch (IOException e) {
      throw new BerthException(ErrorCode.RUNTIME_FAILURE, "cannot list " + sessionsDir, e);
    }
    return out;
  }

  /** The last {@code lines} lines of a log file; empty when there is none. */
  static String tail(Path log, int lines) {
    if (!Files.isRegularFile(log)) {
      return "";
    }
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }
}
