package dev.berth.registry;

import dev.berth.base.SessionId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Browser credentials by hash: one-time login links, proxy cookies and dashboard logins. A row is
 * useless past its expiry; expired rows are dropped whenever a new one is saved.
 */
public final class BrowserCredentialStore {
  private final Database db;

  BrowserCredentialStore(Database db) {
    this.db = db;
  }

  /** Stores a browser credential, and drops the expired ones (cheap: indexed by expiry). */
  public void save(BrowserCredentialRecord r, Instant now) {
    db.write(
        c -> {
          try (var ps = c.prepareStatement("DELETE FROM browser_credentials WHERE expires_at<=?")) {
            ps.setLong(1, now.toEpochMilli());
            ps.executeUpdate();
          }
          try (var ps =
              c.prepareStatement(
                  "INSERT INTO browser_credentials (hash, kind, session_id, admin, created_at,"
                      + " expires_at) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, r.hash());
            ps.setString(2, r.kind().name());
            ps.setString(3, r.sessionId().map(SessionId::value).orElse(null));
            ps.setInt(4, r.admin() ? 1 : 0);
            ps.setLong(5, now.toEpochMilli());
            ps.setLong(6, r.expiresAt().toEpochMilli());
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** The unexpired credential of this kind with this hash. */
  public Optional<BrowserCredentialRecord> find(
      String hash, BrowserCredentialRecord.Kind kind, Instant now) {
    return db.read(c -> find(c, hash, kind, now));
  }

  /** Finds and deletes in one transaction: a one-time credential is used at most once. */
  public Optional<BrowserCredentialRecord> take(
      String hash, BrowserCredentialRecord.Kind kind, Instant now) {
    return db.write(
        c -> {
          Optional<BrowserCredentialRecord> found = find(c, hash, kind, now);
          try (var ps = c.prepareStatement("DELETE FROM browser_credentials WHERE hash=?")) {
            ps.setString(1, hash);
            if (ps.executeUpdate() != 1) {
              return Optional.empty();
            }
          }
          return found;
        });
  }

  public void delete(String hash) {
    db.update("DELETE FROM browser_credentials WHERE hash=?", ps -> ps.setString(1, hash));
  }

  /** Revokes every browser credential of a session (on delete, with its tokens). */
  public void deleteSession(SessionId id) {
    db.update(
        "DELETE FROM browser_credentials WHERE session_id=?", ps -> ps.setString(1, id.value()));
  }

  /**
   * Revokes the session's credentials that its token holder got (proxy cookies, login links and
   * dashboard logins not made by the admin), on a token rotation; the admin's stay.
   */
  public void deleteSessionHeld(SessionId id) {
    db.update(
        "DELETE FROM browser_credentials WHERE session_id=? AND admin=0",
        ps -> ps.setString(1, id.value()));
  }

  private static Optional<BrowserCredentialRecord> find(
      Connection c, String hash, BrowserCredentialRecord.Kind kind, Instant now)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "SELECT * FROM browser_credentials WHERE hash=? AND kind=? AND expires_at>?")) {
      ps.setString(1, hash);
      ps.setString(2, kind.name());
      ps.setLong(3, now.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new BrowserCredentialRecord(
                hash,
                kind,
                Optional.ofNullable(rs.getString("session_id")).map(SessionId::of),
                rs.getInt("admin") == 1,
                Instant.ofEpochMilli(rs.getLong("expires_at"))));
      }
    }
  }
}
