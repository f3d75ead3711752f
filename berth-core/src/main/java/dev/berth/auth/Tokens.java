package dev.berth.auth;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.registry.TokenRecord;
import dev.berth.registry.TokenStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Issues and checks bearer tokens. Tokens are 256 random bits, so a plain SHA-256 is enough to
 * store them: there is nothing to brute-force that a slow, salted hash would protect (unlike
 * passwords). Only hashes reach the registry.
 */
public final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final TokenStore store;
  private final Clock clock;
  private final SessionTokenGuard guard;

  public Tokens(TokenStore store, Clock clock) {
    this(store, clock, SessionTokenGuard.NONE);
  }

  /**
   * @param guard which session tokens are refused though valid (403: see the guard)
   */
  public Tokens(TokenStore store, Clock clock, SessionTokenGuard guard) {
    this.store = store;
    this.clock = clock;
    this.guard = guard;
  }

  static String fresh(String kind) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "berth_" + kind + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String hash(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Makes the admin token if none exists; returns it (to show once) or empty if one existed. */
  public Optional<String> createAdminTokenIfMissing() {
    if (store.hasAdmin()) {
      return Optional.empty();
    }
    String token = fresh("admin");
    store.save(
        new TokenRecord(hash(token), TokenRecord.Kind.ADMIN, Optional.empty()), clock.instant());
    return Optional.of(token);
  }

  /** A new token that acts on {@code id} only. */
  public String issueSessionToken(SessionId id) {
    String token = fresh("s");
    store.save(
        new TokenRecord(hash(token), TokenRecord.Kind.SESSION, Optional.of(id)), clock.instant());
    return token;
  }

  /**
   * A new token for {@code id} that replaces the ones it had: they stop working at once, and so do
   * the browser logins their holders got (the admin's stay). Empty (and nothing changed) when the
   * session is not live or is being deleted. The caller checks who may ask.
   */
  public Optional<String> rotateSessionToken(SessionId id) {
    String token = fresh("s");
    boolean replaced =
        store.replaceSessionTokens(
            new TokenRecord(hash(token), TokenRecord.Kind.SESSION, Optional.of(id)),
            clock.instant());
    return replaced ? Optional.of(token) : Optional.empty();
  }

  /** Whether {@code proof} is a token that still works (not rotated away or deleted). */
  public boolean holds(LoginProof proof) {
    return store.find(proof.hash()).isPresent();
  }

  /**
   * The principal for a presented token; 401 when it is missing or unknown, 403 for a session token
   * that its guard refuses (a local session's, unless the installation opted in).
   */
  public Principal authenticate(String presented) {
    if (presented == null || presented.isBlank()) {
      throw new BerthException(
          ErrorCode.UNAUTHORIZED,
          "a token is required: send 'Authorization: Bearer <token>' (the admin token is in"
              + " $BERTH_HOME/admin.token)");
    }
    TokenRecord record =
        store
            .find(hash(presented.trim()))
            .orElseThrow(
                () -> new BerthException(ErrorCode.UNAUTHORIZED, "the token is not valid"));
    return switch (record.kind()) {
      case ADMIN -> new Principal.Admin();
      case SESSION -> {
        SessionId id = record.sessionId().orElseThrow();
        guard
            .refusal(id)
            .ifPresent(
                why -> {
                  throw new BerthException(ErrorCode.FORBIDDEN, why);
                });
        yield new Principal.SessionScoped(id);
      }
    };
  }
}
