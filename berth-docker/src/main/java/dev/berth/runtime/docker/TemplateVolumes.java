package dev.berth.runtime.docker;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.VolumeOptions;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.SpoolDir;
import dev.berth.runtime.TemplateVolumeStore;
import dev.berth.template.Template;
import dev.berth.template.TemplateVolume;
import dev.berth.template.TemplateVolumeContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Template volumes on Docker: {@code <prefix>-<template>-<12 hex of the content hash>}, with no
 * session part, labelled {@code berth.type=template-volume} with the instance, the template and the
 * full content hash. Made by the first prepare that needs it and mounted read-only by every session
 * of the template after that; a change of the files gives another name, so new sessions get a new
 * volume while the containers made on the old one keep it (the engine refuses to remove a volume a
 * container mounts, running or not, which {@link #collect} relies on as well as checking).
 *
 * <p>Seeded once through a seed container, {@code <prefix>-seed-<template>-<hash>}, created from
 * Berth's busybox image and never started (the archive API writes into a created container's
 * volumes, so nothing runs and nothing is pulled). Creating that container creates the volume, with
 * its labels, in the same call; the seed container is removed only once the files are in. A seed
 * container found beside its volume is therefore a seed that did not finish (a manager killed half
 * way): both are removed and the volume is seeded again, so no session ever mounts half the files.
 *
 * <p>The tar of the folder is written where the backend spools ({@link SpoolDir}: the data
 * directory's {@code tmp} in a server, owner-only) and removed once the engine has it: a template's
 * files may be what its sessions should see and nobody else, as a workspace's are.
 */
final class TemplateVolumes implements TemplateVolumeStore {
  private static final Logger LOG = LoggerFactory.getLogger(TemplateVolumes.class);
  static final String TYPE = "template-volume";
  static final String TYPE_SEED = "template-volume-seed";

  /** The full content hash of the files a template volume holds. */
  static final String LABEL_CONTENT = "berth.content";

  private static final String SEED_PATH = "/berth-seed";

  private final DockerEngine engine;
  private final String prefix;
  private final String instance;
  private final DefaultImage seedImage;
  // The runtime's spool directory as it is at the seed (useSpoolDir may set it after construction).
  private final Supplier<SpoolDir> spoolDir;
  // One seed of one volume at a time in this manager: the first prepare seeds, the others wait.
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  TemplateVolumes(
      DockerEngine engine,
      String prefix,
      String instance,
      DefaultImage seedImage,
      Supplier<SpoolDir> spoolDir) {
    this.engine = engine;
    this.prefix = prefix;
    this.instance = instance;
    this.seedImage = seedImage;
    this.spoolDir = spoolDir;
  }

  /**
   * Where a session container mounts a template volume.
   *
   * @param volume the volume's name
   * @param path where the session sees it, read-only
   */
  record Mounted(String volume, String path) {}

  static String name(String prefix, String template, String contentHash) {
    return prefix + "-" + template + "-" + TemplateVolumeContent.shortHash(contentHash);
  }

  static String seedName(String prefix, String template, String contentHash) {
    return prefix + "-seed-" + template + "-" + TemplateVolumeContent.shortHash(contentHash);
  }

  /**
   * The template volume the template's files need now, made and seeded if it is not there yet;
   * empty for a template without {@code templateVolume}.
   */
  Optional<Mounted> ensure(Template t) {
    Optional<TemplateVolume> wanted = t.workspace().templateVolume();
    if (wanted.isEmpty()) {
      return Optional.empty();
    }
    TemplateVolume v = wanted.get();
    if (!Files.isDirectory(v.from())) {
      throw new BerthException(
          ErrorCode.PRECONDITION_FAILED,
          "template '"
              + t.name()
              + "': the template volume's folder "
              + v.from()
              + " is not there any more");
    }
    String hash = TemplateVolumeContent.hash(v.from());
    String name = name(prefix, t.name(), hash);
    synchronized (locks.computeIfAbsent(name, k -> new Object())) {
      Optional<Map<String, String>> existing = volumeLabels(name);
      boolean unfinished = existing.isPresent() && seedContainerExists(t.name(), hash);
      if (existing.isPresent()) {
        requireTemplateVolume(name, existing.get());
      }
      if (unfinished) {
        LOG.warn("template {}: volume {} was not seeded to the end; seeding it again", t, name);
        removeSeed(t.name(), hash);
        removeVolume(name);
      }
      if (existing.isEmpty() || unfinished) {
        seed(t, v, hash, name);
      }
    }
    return Optional.of(new Mounted(name, v.path()));
  }

  private void seed(Template t, TemplateVolume v, String hash, String name) {
    String seed = seedName(prefix, t.name(), hash);
    Map<String, String> volumeLabels =
        DockerLabels.stamped(
            Map.of(
                DockerLabels.INSTANCE,
                instance,
                DockerLabels.TEMPLATE,
                t.name(),
                DockerLabels.TYPE,
                TYPE,
                LABEL_CONTENT,
                hash),
            Instant.now());
    Mount mount =
        new Mount()
            .withType(MountType.VOLUME)
            .withSource(name)
            .withTarget(SEED_PATH)
            .withVolumeOptions(new VolumeOptions().withLabels(volumeLabels).withNoCopy(true));
    try {
      engine
          .client
          .createContainerCmd(seedImage.ensure())
          .withName(seed)
          .withLabels(
              Map.of(
                  DockerLabels.INSTANCE,
                  instance,
                  DockerLabels.TEMPLATE,
                  t.name(),
                  DockerLabels.TYPE,
                  TYPE_SEED))
          .withCmd("true")
          .withHostConfig(
              HostConfig.newHostConfig().withNetworkMode("none").withMounts(List.of(mount)))
          .exec();
    } catch (RuntimeException e) {
      throw DockerEngine.failure("create seed container " + seed + " for volume " + name, e);
    }
    Path tar = null;
    try {
      tar = archive(v.from(), spoolDir.get());
      try (InputStream in = Files.newInputStream(tar)) {
        engine
            .client
            .copyArchiveToContainerCmd(seed)
            .withRemotePath(SEED_PATH)
            .withTarInputStream(in)
            .exec();
      }
      removeSeed(t.name(), hash);
      LOG.info("template {}: seeded read-only volume {} from {}", t.name(), name, v.from());
    } catch (IOException | RuntimeException e) {
      // Nothing may mount half the files: take both away; the next prepare tries again.
      removeSeed(t.name(), hash);
      removeVolume(name);
      throw e instanceof BerthException b
          ? b
          : DockerEngine.failure("seed volume " + name + " from " + v.from(), e);
    } finally {
      if (tar != null) {
        try {
          Files.deleteIfExists(tar);
        } catch (IOException ignored) {
          // a temporary file
        }
      }
    }
  }

  /**
   * The folder as one tar: root's, world-readable (sessions run as any user), executables 0755.
   * Symbolic links are left out ({@link TemplateVolumeContent}). Written to a new owner-only file
   * in {@code spool}, which the caller removes; removed here when writing it fails.
   */
  static Path archive(Path folder, SpoolDir spool) throws IOException {
    Path file = spool.newFile("berth-template-volume-", ".tar");
    try {
      write(folder, file);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException x) {
        e.addSuppressed(x);
      }
      throw e;
    }
    return file;
  }

  private static void write(Path folder, Path file) throws IOException {
    try (var tar = new TarArchiveOutputStream(Files.newOutputStream(file))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (TemplateVolumeContent.Entry e : TemplateVolumeContent.entries(folder)) {
        var entry = new TarArchiveEntry(e.directory() ? e.relative() + "/" : e.relative());
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setMode(e.directory() || e.executable() ? 0755 : 0644);
        entry.setSize(e.size());
        tar.putArchiveEntry(entry);
        if (!e.directory()) {
          try (InputStream in = Files.newInputStream(e.file())) {
            in.transferTo(tar);
          }
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
  }

  @Override
  public List<Listed> list(Collection<Template> templates) {
    Map<String, String> currentNames = new HashMap<>();
    for (Template t : templates) {
      t.workspace()
          .templateVolume()
          .filter(v -> Files.isDirectory(v.from()))
          .ifPresent(
              v ->
                  currentNames.put(
                      name(prefix, t.name(), TemplateVolumeContent.hash(v.from())), t.name()));
    }
    List<Listed> out = new ArrayList<>();
    var volumes =
        engine
            .client
            .listVolumesCmd()
            .withFilter(
                "label",
                List.of(DockerLabels.INSTANCE + "=" + instance, DockerLabels.TYPE + "=" + TYPE))
            .exec()
            .getVolumes();
    if (volumes == null) {
      return out;
    }
    for (var v : volumes) {
      Map<String, String> labels = v.getLabels() == null ? Map.of() : v.getLabels();
      out.add(
          new Listed(
              v.getName(),
              labels.getOrDefault(DockerLabels.TEMPLATE, ""),
              labels.getOrDefault(LABEL_CONTENT, ""),
              DockerLabels.created(labels),
              currentNames.containsKey(v.getName()),
              usedBy(v.getName())));
    }
    out.sort(java.util.Comparator.comparing(Listed::template).thenComparing(Listed::name));
    return out;
  }

  @Override
  public List<Collected> collect(Collection<Template> templates, Instant cutoff, boolean dryRun) {
    List<Collected> out = new ArrayList<>();
    for (Listed v : list(templates)) {
      boolean old = v.createdAt().map(t -> t.isBefore(cutoff)).orElse(true);
      if (!v.unused() || !old) {
        continue;
      }
      if (dryRun) {
        out.add(new Collected(v, Optional.empty()));
        continue;
      }
      synchronized (locks.computeIfAbsent(v.name(), k -> new Object())) {
        try {
          engine.client.removeVolumeCmd(v.name()).exec();
          locks.remove(v.name());
          LOG.info("removed template volume {}: no template and no session needs it", v.name());
          out.add(new Collected(v, Optional.empty()));
        } catch (RuntimeException e) {
          if (DockerEngine.isNotFound(e)) {
            out.add(new Collected(v, Optional.empty()));
          } else {
            // e.g. "volume is in use": a session was made on it since it was listed
            out.add(new Collected(v, Optional.of(DockerEngine.reason(e))));
          }
        }
      }
    }
    return out;
  }

  /** The containers (running or not) that mount the volume, by name. */
  private List<String> usedBy(String volume) {
    List<String> names = new ArrayList<>();
    for (Container c :
        engine
            .client
            .listContainersCmd()
            .withShowAll(true)
            .withVolumeFilter(List.of(volume))
            .exec()) {
      if (c.getNames() != null && c.getNames().length > 0) {
        names.add(c.getNames()[0].replaceFirst("^/", ""));
      } else {
        names.add(c.getId());
      }
    }
    return names;
  }

  private Optional<Map<String, String>> volumeLabels(String name) {
    try {
      var v = engine.client.inspectVolumeCmd(name).exec();
      return Optional.of(v.getLabels() == null ? Map.of() : v.getLabels());
    } catch (RuntimeException e) {
      if (DockerEngine.isNotFound(e)) {
        return Optional.empty();
      }
      throw DockerEngine.failure("inspect volume " + name, e);
    }
  }

  private void requireTemplateVolume(String name, Map<String, String> labels) {
    if (!instance.equals(labels.get(DockerLabels.INSTANCE))
        || !TYPE.equals(labels.get(DockerLabels.TYPE))) {
      throw BerthException.conflict(
          "a volume named '"
              + name
              + "' exists and is not this Berth's template volume; remove or rename it");
    }
  }

  private boolean seedContainerExists(String template, String hash) {
    try {
      var c = engine.client.inspectContainerCmd(seedName(prefix, template, hash)).exec();
      Map<String, String> labels =
          c.getConfig() == null || c.getConfig().getLabels() == null
              ? Map.of()
              : c.getConfig().getLabels();
      return instance.equals(labels.get(DockerLabels.INSTANCE));
    } catch (RuntimeException e) {
      if (DockerEngine.isNotFound(e)) {
        return false;
      }
      throw DockerEngine.failure("inspect seed container", e);
    }
  }

  private void removeSeed(String template, String hash) {
    String seed = seedName(prefix, template, hash);
    try {
      engine.client.removeContainerCmd(seed).withForce(true).withRemoveVolumes(false).exec();
    } catch (RuntimeException e) {
      if (!DockerEngine.isNotFound(e)) {
        LOG.warn("cannot remove seed container {}: {}", seed, DockerEngine.reason(e));
      }
    }
  }

  private void removeVolume(String name) {
    try {
      engine.client.removeVolumeCmd(name).exec();
    } catch (RuntimeException e) {
      if (!DockerEngine.isNotFound(e)) {
        LOG.warn("cannot remove unfinished template volume {}: {}", name, DockerEngine.reason(e));
      }
    }
  }
}
