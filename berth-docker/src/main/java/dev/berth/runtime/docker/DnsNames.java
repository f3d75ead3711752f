package dev.berth.runtime.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The names a session container shows the other containers on a network it shares with them.
 *
 * <p>Why they are opaque: Docker's embedded DNS (127.0.0.11 in every container on a user-defined
 * network) answers for every container on the network, and no network or endpoint option turns that
 * off: a reverse lookup of a neighbour's address gives its container name, and a lookup of a
 * container's name or hostname gives its address. Named after the session ({@code
 * <prefix>-session-<template>-<id>}, hostname {@code <id>}), that let any session list the others'
 * ids and templates, which the API hides behind 404. So on a shared network the container is {@code
 * <prefix>-session-<16 hex>} and its hostname is the same: the hex is an HMAC of the template and
 * the handle under a key kept in Berth's data directory, so the name is the same at every prepare
 * (a retried create finds the container it made) yet says nothing, and nobody without the key can
 * compute the name of a session whose id they guess. Sessions can still tell that neighbours exist
 * (ARP answers on a shared bridge); not who they are. The session's id and template stay in its
 * labels, which only the engine's users see.
 */
final class DnsNames {
  /** The key's file in the data directory. */
  static final String KEY_FILE = "docker-names.key";

  private static final SecureRandom RANDOM = new SecureRandom();
  private final byte[] key;

  private DnsNames(byte[] key) {
    this.key = key.clone();
  }

  /** A key of its own, for a runtime without a data directory (tests, embedded use). */
  static DnsNames random() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return new DnsNames(key);
  }

  /** The key kept in {@code home}, made (readable by Berth's user only) the first time. */
  static DnsNames keptIn(Path home) {
    Path file = home.resolve(KEY_FILE);
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(home);
        String fresh = HexFormat.of().formatHex(random().key);
        try {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.writeString(file, fresh + "\n");
        } catch (FileAlreadyExistsException raced) {
          // another process made it: read theirs
        }
      }
      String hex = Files.readString(file).strip();
      if (hex.length() < 32) {
        throw new IllegalStateException(file + " holds no key; remove it to make a new one");
      }
      return new DnsNames(HexFormat.of().parseHex(hex));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(file + " is not a hex key; remove it to make a new one", e);
    }
  }

  /** The container name (and hostname) of a session on a shared network. */
  String container(String prefix, String template, String handle) {
    return prefix + "-session-" + opaque(template + "/" + handle);
  }

  /**
   * The container name of one of a session's extra containers on a shared network: {@code
   * <prefix>-<type>-<16 hex>}. The type is the template's, which neighbours learn nothing from; the
   * hex is keyed like the main one's, with the type in it, so two sessions' containers of one type
   * never collide.
   */
  String container(String prefix, String type, String template, String handle) {
    return prefix + "-" + type + "-" + opaque(template + "/" + handle + "/" + type);
  }

  private String opaque(String what) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest = mac.doFinal(what.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
