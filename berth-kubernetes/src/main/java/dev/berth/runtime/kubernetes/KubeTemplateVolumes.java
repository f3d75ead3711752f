package dev.berth.runtime.kubernetes;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.TemplateVolumeStore;
import dev.berth.template.Template;
import dev.berth.template.TemplateVolume;
import dev.berth.template.TemplateVolumeContent;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Template volumes on Kubernetes: one immutable ConfigMap per template content, {@code
 * <prefix>-tv-<template>-<12 hex of the content hash>}, labelled {@code berth.type=template-volume}
 * with the instance, the template and the short hash (a label value holds at most 63 characters;
 * the full hash is the annotation {@value #CONTENT}), and no {@code berth.session}: it belongs to
 * no session, so {@link KubeCleanup} (which only looks at pods, services, policies and claims)
 * never takes it for a session's orphan.
 *
 * <p>The files are {@code binaryData} under keys {@code f0}, {@code f1}... (a path is no valid
 * ConfigMap key); the annotation {@value #ITEMS} maps each key to its path and mode (0555 for a
 * file executable in the folder, 0444 otherwise), so a pod made later, when the folder may hold
 * other files, still rebuilds the tree of its own ConfigMap through the volume's {@code items}.
 * Folders exist only as the parents of files: a ConfigMap volume has no empty folders.
 *
 * <p>Kubernetes limits a ConfigMap's data to {@value #LIMIT_BYTES} bytes: a larger folder is
 * refused at preflight ({@link #tooLarge}), before anything is made.
 */
final class KubeTemplateVolumes implements TemplateVolumeStore {
  private static final Logger LOG = LoggerFactory.getLogger(KubeTemplateVolumes.class);
  static final String TYPE = "template-volume";

  /** The short content hash, as a label (the full one is too long for a label value). */
  static final String LABEL_CONTENT = "berth.content";

  /** The full content hash. */
  static final String CONTENT = "berth.content";

  /** The files: JSON list of {key, path, mode}. */
  static final String ITEMS = "berth.items";

  /** Kubernetes' limit on a ConfigMap's data (1 MiB). */
  static final long LIMIT_BYTES = 1024 * 1024;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final KubernetesClient client;
  private final KubernetesOptions options;

  KubeTemplateVolumes(KubernetesClient client, KubernetesOptions options) {
    this.client = client;
    this.options = options;
  }

  /** One file of a template volume: its ConfigMap key, its path below the mount, its mode. */
  record Item(String key, String path, int mode) {}

  /**
   * What a session pod mounts.
   *
   * @param configMap the ConfigMap's name
   * @param path where the session sees the files, read-only
   * @param items the ConfigMap's files
   */
  record Mounted(String configMap, String path, List<Item> items) {
    Mounted {
      items = List.copyOf(items);
    }
  }

  /** A DNS-1123 subdomain: template names are DNS labels, far from the 253 characters allowed. */
  static String name(String prefix, String template, String contentHash) {
    return prefix + "-tv-" + template + "-" + TemplateVolumeContent.shortHash(contentHash);
  }

  /** Why the template's folder cannot be a ConfigMap, if it is too large for one. */
  static Optional<String> tooLarge(Template t) {
    Optional<TemplateVolume> v = t.workspace().templateVolume();
    if (v.isEmpty() || !Files.isDirectory(v.get().from())) {
      return Optional.empty();
    }
    long bytes = TemplateVolumeContent.totalBytes(v.get().from());
    if (bytes <= LIMIT_BYTES) {
      return Optional.empty();
    }
    return Optional.of(
        "template '"
            + t.name()
            + "': the templateVolume folder "
            + v.get().from()
            + " holds "
            + bytes
            + " bytes, more than the "
            + LIMIT_BYTES
            + " bytes (1 MiB) Kubernetes allows a ConfigMap, which holds a template volume on"
            + " Kubernetes; use the docker backend or a smaller folder");
  }

  /**
   * The template volume the template's files need now, its ConfigMap made if missing; empty for a
   * template without {@code templateVolume}.
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
    tooLarge(t)
        .ifPresent(
            m -> {
              throw new BerthException(ErrorCode.PRECONDITION_FAILED, m);
            });
    String hash = TemplateVolumeContent.hash(v.from());
    String name = name(options.prefix(), t.name(), hash);
    ConfigMap existing = get(name);
    if (existing != null) {
      requireTemplateVolume(name, existing);
      return Optional.of(new Mounted(name, v.path(), items(existing)));
    }
    ConfigMap made = configMap(t, v, hash, name, Instant.now());
    try {
      client.configMaps().inNamespace(options.namespace()).resource(made).create();
      LOG.info("template {}: made read-only ConfigMap {} from {}", t.name(), name, v.from());
    } catch (RuntimeException e) {
      if (!KubeFailures.isConflict(e)) {
        throw KubeFailures.failure("create configmap " + name, e);
      }
      ConfigMap raced = get(name); // another manager's prepare made it a moment ago
      if (raced == null) {
        throw KubeFailures.failure("create configmap " + name, e);
      }
      requireTemplateVolume(name, raced);
      made = raced;
    }
    return Optional.of(new Mounted(name, v.path(), items(made)));
  }

  /**
   * The mount of the ConfigMap {@code name} a session was made with, if it is still there and this
   * installation's template volume.
   */
  Optional<Mounted> existing(String name, String path) {
    ConfigMap c = get(name);
    if (c == null || !ours(c)) {
      return Optional.empty();
    }
    return Optional.of(new Mounted(name, path, items(c)));
  }

  /** The ConfigMap of the folder's files, as a pure function (tested without an API server). */
  ConfigMap configMap(Template t, TemplateVolume v, String hash, String name, Instant now) {
    Map<String, String> data = new TreeMap<>();
    List<Item> items = new ArrayList<>();
    int i = 0;
    for (TemplateVolumeContent.Entry e : TemplateVolumeContent.entries(v.from())) {
      if (e.directory()) {
        continue;
      }
      String key = "f" + i++;
      try {
        data.put(key, Base64.getEncoder().encodeToString(Files.readAllBytes(e.file())));
      } catch (IOException x) {
        throw new BerthException(
            ErrorCode.RUNTIME_FAILURE,
            "cannot read " + e.file() + " for the template volume: " + x);
      }
      items.add(new Item(key, e.relative(), e.executable() ? 0555 : 0444));
    }
    Map<String, String> labels = new TreeMap<>();
    labels.put(KubeLabels.INSTANCE, options.instance());
    labels.put(KubeLabels.TYPE, TYPE);
    labels.put(KubeLabels.TEMPLATE, t.name());
    labels.put(LABEL_CONTENT, TemplateVolumeContent.shortHash(hash));
    Map<String, String> annotations = new TreeMap<>();
    annotations.put(KubeLabels.CREATED, now.toString());
    annotations.put(CONTENT, hash);
    annotations.put(ITEMS, JSON.writeValueAsString(items));
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(options.namespace())
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .withImmutable(true)
        .withBinaryData(data)
        .build();
  }

  static List<Item> items(ConfigMap c) {
    String json =
        c.getMetadata().getAnnotations() == null
            ? null
            : c.getMetadata().getAnnotations().get(ITEMS);
    if (json == null) {
      throw BerthException.conflict(
          "ConfigMap " + c.getMetadata().getName() + " has no " + ITEMS + " annotation");
    }
    return JSON.readValue(json, new TypeReference<List<Item>>() {});
  }

  private ConfigMap get(String name) {
    try {
      return client.configMaps().inNamespace(options.namespace()).withName(name).get();
    } catch (RuntimeException e) {
      throw KubeFailures.failure("get configmap " + name, e);
    }
  }

  private boolean ours(ConfigMap c) {
    Map<String, String> labels = c.getMetadata().getLabels();
    return labels != null
        && options.instance().equals(labels.get(KubeLabels.INSTANCE))
        && TYPE.equals(labels.get(KubeLabels.TYPE));
  }

  private void requireTemplateVolume(String name, ConfigMap c) {
    if (!ours(c)) {
      throw BerthException.conflict(
          "a ConfigMap named '"
              + name
              + "' exists in namespace "
              + options.namespace()
              + " and is not this Berth's template volume; remove or rename it");
    }
  }

  @Override
  public List<Listed> list(Collection<Template> templates) {
    Set<String> currentNames = new HashSet<>();
    for (Template t : templates) {
      t.workspace()
          .templateVolume()
          .filter(v -> Files.isDirectory(v.from()))
          .ifPresent(
              v ->
                  currentNames.add(
                      name(options.prefix(), t.name(), TemplateVolumeContent.hash(v.from()))));
    }
    Map<String, List<String>> users = new LinkedHashMap<>();
    for (Pod p :
        client
            .pods()
            .inNamespace(options.namespace())
            .withLabel(KubeLabels.INSTANCE, options.instance())
            .list()
            .getItems()) {
      if (p.getSpec() == null || p.getSpec().getVolumes() == null) {
        continue;
      }
      for (var vol : p.getSpec().getVolumes()) {
        if (vol.getConfigMap() != null) {
          users
              .computeIfAbsent(vol.getConfigMap().getName(), k -> new ArrayList<>())
              .add(p.getMetadata().getName());
        }
      }
    }
    List<Listed> out = new ArrayList<>();
    for (ConfigMap c :
        client
            .configMaps()
            .inNamespace(options.namespace())
            .withLabel(KubeLabels.INSTANCE, options.instance())
            .withLabel(KubeLabels.TYPE, TYPE)
            .list()
            .getItems()) {
      String name = c.getMetadata().getName();
      Map<String, String> labels =
          c.getMetadata().getLabels() == null ? Map.of() : c.getMetadata().getLabels();
      Map<String, String> annotations =
          c.getMetadata().getAnnotations() == null ? Map.of() : c.getMetadata().getAnnotations();
      out.add(
          new Listed(
              name,
              labels.getOrDefault(KubeLabels.TEMPLATE, ""),
              annotations.getOrDefault(CONTENT, labels.getOrDefault(LABEL_CONTENT, "")),
              KubeLabels.created(annotations),
              currentNames.contains(name),
              users.getOrDefault(name, List.of())));
    }
    out.sort(Comparator.comparing(Listed::template).thenComparing(Listed::name));
    return out;
  }

  /**
   * Deletes the unused ones older than {@code cutoff}. The API server, unlike the Docker engine,
   * lets a ConfigMap a pod mounts be deleted; the pods are checked in {@link #list}, and the cutoff
   * covers a prepare that made one a moment ago and is about to make its pod.
   */
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
      try {
        client.configMaps().inNamespace(options.namespace()).withName(v.name()).delete();
        LOG.info("removed template volume {}: no template and no session needs it", v.name());
        out.add(new Collected(v, Optional.empty()));
      } catch (RuntimeException e) {
        if (KubeFailures.isNotFound(e)) {
          out.add(new Collected(v, Optional.empty()));
        } else {
          out.add(new Collected(v, Optional.of(KubeFailures.reason(e))));
        }
      }
    }
    return out;
  }
}
