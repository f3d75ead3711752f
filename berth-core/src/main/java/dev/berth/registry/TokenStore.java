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

  /** Revokes every token of a session (on delete, so a reused id starts clean). */
  public void deleteSession(SessionId id) {
    db.update("DELETE FROM tokens WHERE session_id=?", ps -> ps.setString(1, id.value()));
  }
}
