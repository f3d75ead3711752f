package dev.berth.base;

import com.fasterxml.jackson.annotation.JsonValue;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * A session's identity. DNS-label safe so it can name containers, volumes, pods and host names on
 * every backend without escaping.
 */
public record SessionId(@JsonValue String value) implements Comparable<SessionId> {
  public static final String RULE =
      "1-40 characters of a-z, 0-9 and '-', starting and ending with a letter or digit";
  private static final Pattern VALID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  public SessionId {
    if (!isValid(value)) {
      throw BerthException.badRequest(
          "invalid session id "
              + (value == null ? "(none)" : "'" + value + "'")
              + ": must be "
              + RULE);
    }
  }

  /**
   * Whether {@code value} follows {@link #RULE}: what may name a session's containers, volumes and
   * pods (a session's runtime handle follows it too).
   */
  public static boolean isValid(String value) {
    return value != null && VALID.matcher(value).matches();
  }

  public static SessionId of(String value) {
    return new SessionId(value);
  }

  /** A fresh random id: "s-" and 10 characters, about 51 bits of randomness. */
  public static SessionId generate() {
    var sb = new StringBuilder("s-");
    for (int i = 0; i < 10; i++) {
      sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return new SessionId(sb.toString());
  }

  @Override
  public int compareTo(SessionId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
