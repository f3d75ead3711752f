package dev.berth.auth;

/**
 * The secret a request proved who it is with (a token, or a dashboard login), by its hash only. A
 * browser login made from it is written only while it still works, and a long-lived stream opened
 * with it ends when it stops working: a check done once, before a token rotation, must not let a
 * revoked credential keep working after it.
 */
public record LoginProof(String hash) {
  /** The proof of a presented token or browser credential. */
  public static LoginProof of(String presented) {
    return new LoginProof(Tokens.hash(presented.trim()));
  }
}
