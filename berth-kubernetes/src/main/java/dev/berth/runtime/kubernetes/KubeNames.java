package dev.berth.runtime.kubernetes;

import dev.berth.runtime.RuntimeState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Kubernetes names of one session's resources: pod, PVC, Service and NetworkPolicy share one
 * name, {@code <prefix>-<template>-<session>}; the files helper pod (see {@link PodFiles}) adds
 * {@code -h}.
 *
 * <p>Why a length cap of {@value #MAX}: a Service name must be a DNS-1035 label (at most 63
 * characters, starting with a letter) and the helper adds two characters. A longer name keeps the
 * prefix and the whole session id (what a reader looks for), shortens the template part and adds
 * five hex digits of a hash of the full name, so two long templates never share a name.
 *
 * <p>Names are generated once, at prepare, and persisted in the {@link RuntimeState}; later calls
 * read them back, so a new prefix in the configuration never orphans a live session.
 */
record KubeNames(String namespace, String base) {
  static final int MAX = 61;
  static final String KEY_NAMESPACE = "namespace";
  static final String KEY_NAME = "name";

  /** The names this runtime would give the session today. */
  static KubeNames generate(String namespace, String prefix, String template, String handle) {
    return new KubeNames(namespace, baseName(prefix, template, handle));
  }

  static String baseName(String prefix, String template, String session) {
    String full = prefix + "-" + template + "-" + session;
    if (full.length() <= MAX) {
      return full;
    }
    String hash = hash(full);
    int room = MAX - prefix.length() - hash.length() - session.length() - 3;
    String part = template.substring(0, Math.max(0, Math.min(room, template.length())));
    part = part.replaceAll("-+$", "");
    return part.isEmpty()
        ? prefix + "-" + hash + "-" + session
        : prefix + "-" + part + "-" + hash + "-" + session;
  }

  private static String hash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The persisted names where there are any, else the generated ones. */
  static KubeNames of(
      RuntimeState state, String namespace, String prefix, String template, String handle) {
    KubeNames fresh = generate(namespace, prefix, template, handle);
    return new KubeNames(
        state.getOrDefault(KEY_NAMESPACE, fresh.namespace),
        state.getOrDefault(KEY_NAME, fresh.base));
  }

  RuntimeState into(RuntimeState state) {
    return state.with(KEY_NAMESPACE, namespace).with(KEY_NAME, base);
  }

  String pod() {
    return base;
  }

  String pvc() {
    return base;
  }

  String service() {
    return base;
  }

  String networkPolicy() {
    return base;
  }

  /** The NetworkPolicy of a template's egress policy (see {@link KubeEgress}). */
  String egressPolicy() {
    return base + "-egress";
  }

  String helperPod() {
    return base + "-h";
  }

  /** The Service's name inside the cluster, for endpoints. */
  String serviceHost() {
    return base + "." + namespace + ".svc";
  }
}
