package dev.berth.session;

import java.time.Instant;

/**
 * A session's last use, for idle culling.
 *
 * @param at the last API, tool or proxy use; the creation time before the first
 * @param via what that use was ({@code api}, {@code mcp}, {@code proxy}...); empty before the first
 */
public record SessionActivity(Instant at, String via) {
  public SessionActivity {
    via = via == null ? "" : via;
  }

  /** No use yet: idle since {@code since}. */
  public static SessionActivity none(Instant since) {
    return new SessionActivity(since, "");
  }
}
