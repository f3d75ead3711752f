package dev.berth.service.files;

import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file's version: the first 128 bits of the SHA-256 of its content, as 32 hex digits. A hash of
 * the content, not mtime and size, because it means the same on every backend (a Docker archive and
 * a Kubernetes exec report times with different precision, a volume may be shared by hosts with
 * skewed clocks) and because two writes of the same size within one mtime tick still differ. It
 * costs one read of the file, which a conditional write does anyway; 128 bits make an accidental
 * match of two different contents out of the question for conflict detection.
 */
public final class FileVersion {
  private static final int HEX_DIGITS = 32;

  private FileVersion() {}

  /** The version of {@code content}. */
  public static String of(byte[] content) {
    MessageDigest d = sha256();
    return hex(d.digest(content));
  }

  /** A stream that passes {@code in} through and hashes what it reads; see {@link #of(Hashing)}. */
  public static Hashing hashing(InputStream in) {
    return new Hashing(in, sha256());
  }

  /** The version of everything read through {@code h} so far. */
  public static String of(Hashing h) {
    return hex(h.getMessageDigest().digest());
  }

  /** A version as an HTTP entity tag: quoted, strong. */
  public static String etag(String version) {
    return "\"" + version + "\"";
  }

  private static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest).substring(0, HEX_DIGITS);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** An input stream that hashes what passes through it. */
  public static final class Hashing extends DigestInputStream {
    Hashing(InputStream in, MessageDigest digest) {
      super(in, digest);
    }
  }
}
