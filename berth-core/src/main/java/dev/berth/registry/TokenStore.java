package dev.berth.registry;

import dev.berth.base.SessionId;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

/** API tokens, by hash only: the admin's, and one per session that acts on that session alone. */
public final class TokenStore {
  private final Database db;

  TokenStore(Database db) {
    this.db = db;
  }

  public void save(TokenRecord token, Instant at) {
    db.update(
        "INSERT INTO tokens (hash, kind, session_id, created_at) VALUES (?,?,?,?)",
        ps -> {
          ps.setString(1, token.hash());
          ps.setString(2, token.kind().name());
          ps.setString(3, token.sessionId().map(SessionId::value).orElse(null));
          ps.setLong(4, at.toEpochMilli());
        });
  }

  public Optional<TokenRecord> find(String hash) {
    return db.read(
        c -> {
          try (var ps = c.prepareStatement("SELECT * FROM tokens WHERE hash=?")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              String session = rs.getString("session_id");
              return Optional.of(
                  new TokenRecord(
                      hash,
                      TokenRecord.Kind.valueOf(rs.getString("kind")),
                      Optional.ofNullable(session).map(SessionId::of)));
            }
          }
        });
  }

  public boolean hasAdmin() {
    return db.read(
        c -> {
          try (var ps = c.prepareStatement("SELECT 1 FROM tokens WHERE kind='ADMIN' LIMIT 1");
              ResultSet rs = ps.executeQuery()) {
            return rs.next();
          }
        });
  }

  /**
   * Makes {@code token} the only token of its session, in one transaction: the session's earlier
   * tokens stop working as the new one starts (a token rotation), and so do the browser logins
   * their holders got (see {@link BrowserCredentialStore#saveIfProven} for why one transaction).
   * The admin's browser logins into the session stay. Changes nothing and returns false when the
   * session is deleted, unknown, or a delete of it is wanted: a token written beside a delete would
   * outlive it and open the next session to take the id.
   */
  public boolean replaceSessionTokens(TokenRecord token, Instant at) {
    SessionId id =
        token
            .sessionId()
            .orElseThrow(
                () -> new IllegalArgumentException("not a session token: " + token.kind()));
    return db.write(
        c -> {
          // A write to the session's row: on PostgreSQL it holds the row until this commits, so a
          // delete (which first records desired DELETED on that row) runs wholly before or after.
          try (var ps =
              c.prepareStatement(
                  "UPDATE sessions SET updated_at=updated_at WHERE id=? AND status<>'DELETED'"
                      + " AND desired<>'DELETED'")) {
            ps.setString(1, id.value());
            if (ps.executeUpdate() != 1) {
              return false;
            }
          }
          try (var ps = c.prepareStatement("DELETE FROM tokens WHERE session_id=?")) {
            ps.setString(1, id.value());
            ps.executeUpdate();
          }
          try (var ps =
              c.prepareStatement(
                  "INSERT INTO tokens (hash, kind, session_id, created_at) VALUES (?,?,?,?)")) {
            ps.setString(1, token.hash());
            ps.setString(2, token.kind().name());
            ps.setString(3, id.value());
            ps.setLong(4, at.toEpochMilli());
            ps.executeUpdate();
          }
          BrowserCredentialStore.deleteSessionHeld(c, id);
          return true;
        });
  }

  /**
   * Revokes every token of a session and every browser credential into it, in one transaction (on
   * delete, so a reused id starts clean): a login written beside it either lands before and goes
   * with it or finds its proof gone (see {@link BrowserCredentialStore#saveIfProven}).
   */
  public void deleteSession(SessionId id) {
    db.write(
        c -> {
          BrowserCredentialStore.lockSession(c, Optional.of(id));
          try (var ps = c.prepareStatement("DELETE FROM tokens WHERE session_id=?")) {
            ps.setString(1, id.value());
            ps.executeUpdate();
          }
          BrowserCredentialStore.deleteSession(c, id);
          return null;
        });
  }
}
