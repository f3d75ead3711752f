package dev.berth.registry;

import dev.berth.base.SessionId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Browser credentials by hash: one-time login links, proxy cookies and dashboard logins. A row is
 * useless past its expiry; expired rows are dropped whenever a new one is saved. A session's rows
 * are revoked by {@link TokenStore} with its tokens (rotation, delete), in the same transaction.
 *
 * <p>At most {@link #LIVE_PER_HOLDER} live credentials of one kind are kept per holder (a session's
 * token holder, the admin for that session, the admin's dashboard): saving one more drops the
 * oldest in the same transaction. A token holder could otherwise fill the registry with cookies and
 * links (each lives up to a day); evicting the oldest, rather than refusing the new one, keeps the
 * browser that logged in last working, which is what its user expects.
 */
public final class BrowserCredentialStore {
  /** Live credentials of one kind one holder keeps; the oldest beyond go. */
  public static final int LIVE_PER_HOLDER = 100;

  private final Database db;

  BrowserCredentialStore(Database db) {
    this.db = db;
  }

  /**
   * Stores a browser credential that needs no proof that is still good (the admin's, or one in a
   * test), and drops the expired ones (cheap: indexed by expiry).
   */
  public void save(BrowserCredentialRecord r, Instant now) {
    db.write(
        c -> {
          dropExpired(c, now);
          insert(c, r, now);
          return null;
        });
  }

  /**
   * Stores a browser credential got with {@code proofHash} (the hash of the token or browser
   * credential the request proved itself with) only if that proof still works, in one transaction:
   * false, and nothing stored, when it was revoked (a token rotation, a delete) after the caller
   * checked it. Checking first and writing later would let a login that raced a rotation leave a
   * day-long cookie behind the rotation's revocation.
   *
   * <p>The one statement is not enough on PostgreSQL: its EXISTS reads only what was committed and
   * takes no lock, so it would see the old token while a rotation is under way, and the rotation's
   * revocation, whose snapshot predates this row, would miss it. So the session's row is written
   * first, as a rotation and a delete do: whichever of the two comes second waits for the first and
   * then sees what it did (a new statement sees every commit before it, at PostgreSQL's default
   * isolation). SQLite runs one write transaction at a time anyway.
   */
  public boolean saveIfProven(BrowserCredentialRecord r, String proofHash, Instant now) {
    return db.write(
        c -> {
          lockSession(c, r.sessionId());
          dropExpired(c, now);
          try (var ps =
              c.prepareStatement(
                  "INSERT INTO browser_credentials (hash, kind, session_id, admin, created_at,"
                      + " expires_at) SELECT ?,?,?,?,?,? WHERE EXISTS (SELECT 1 FROM tokens WHERE"
                      + " hash=?) OR EXISTS (SELECT 1 FROM browser_credentials WHERE hash=? AND"
                      + " expires_at>?)")) {
            bind(ps, r, now);
            ps.setString(7, proofHash);
            ps.setString(8, proofHash);
            ps.setLong(9, now.toEpochMilli());
            if (ps.executeUpdate() != 1) {
              return false;
            }
          }
          dropOldest(c, r);
          return true;
        });
  }

  /** Whether {@code proofHash} is a token's, or an unexpired browser credential's, hash. */
  public boolean proven(String proofHash, Instant now) {
    return db.read(
        c -> {
          try (var ps =
              c.prepareStatement(
                  "SELECT 1 FROM tokens WHERE hash=? UNION ALL SELECT 1 FROM browser_credentials"
                      + " WHERE hash=? AND expires_at>?")) {
            ps.setString(1, proofHash);
            ps.setString(2, proofHash);
            ps.setLong(3, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  /** The unexpired credential of this kind with this hash. */
  public Optional<BrowserCredentialRecord> find(
      String hash, BrowserCredentialRecord.Kind kind, Instant now) {
    return db.read(c -> find(c, hash, kind, now));
  }

  /**
   * Uses up a one-time credential and stores the one it turns into ({@code successor} of the used
   * one; empty: none), in one transaction, so a rotation that revokes the first also revokes the
   * second (the session's row is written first: see {@link #saveIfProven}). Returns the used
   * credential, or empty (nothing changed) when it is unknown, used or expired.
   */
  public Optional<BrowserCredentialRecord> exchange(
      String hash,
      BrowserCredentialRecord.Kind kind,
      Instant now,
      Function<BrowserCredentialRecord, Optional<BrowserCredentialRecord>> successor) {
    return db.write(
        c -> {
          Optional<BrowserCredentialRecord> found = find(c, hash, kind, now);
          if (found.isEmpty()) {
            return found;
          }
          lockSession(c, found.get().sessionId());
          try (var ps = c.prepareStatement("DELETE FROM browser_credentials WHERE hash=?")) {
            ps.setString(1, hash);
            if (ps.executeUpdate() != 1) {
              return Optional.empty(); // used, or revoked, while this waited for the lock
            }
          }
          Optional<BrowserCredentialRecord> next = successor.apply(found.get());
          if (next.isPresent()) {
            dropExpired(c, now);
            insert(c, next.get(), now);
          }
          return found;
        });
  }

  public void delete(String hash) {
    db.update("DELETE FROM browser_credentials WHERE hash=?", ps -> ps.setString(1, hash));
  }

  /**
   * Writes the session's row without changing it, inside the caller's transaction: on PostgreSQL it
   * holds the row until the commit, so this transaction and a rotation or delete of the session
   * (which write the row first too) run one after the other.
   */
  static void lockSession(Connection c, Optional<SessionId> id) throws SQLException {
    if (id.isEmpty()) {
      return; // the admin's dashboard login: no session's rotation revokes it
    }
    try (var ps = c.prepareStatement("UPDATE sessions SET updated_at=updated_at WHERE id=?")) {
      ps.setString(1, id.get().value());
      ps.executeUpdate();
    }
  }

  /**
   * Revokes the session's credentials that its token holder got (proxy cookies, login links and
   * dashboard logins not made by the admin), inside a rotation's transaction; the admin's stay.
   */
  static void deleteSessionHeld(Connection c, SessionId id) throws SQLException {
    try (var ps =
        c.prepareStatement("DELETE FROM browser_credentials WHERE session_id=? AND admin=0")) {
      ps.setString(1, id.value());
      ps.executeUpdate();
    }
  }

  /** Revokes every browser credential of a session, inside a delete's transaction. */
  static void deleteSession(Connection c, SessionId id) throws SQLException {
    try (var ps = c.prepareStatement("DELETE FROM browser_credentials WHERE session_id=?")) {
      ps.setString(1, id.value());
      ps.executeUpdate();
    }
  }

  private static void dropExpired(Connection c, Instant now) throws SQLException {
    try (var ps = c.prepareStatement("DELETE FROM browser_credentials WHERE expires_at<=?")) {
      ps.setLong(1, now.toEpochMilli());
      ps.executeUpdate();
    }
  }

  private static void insert(Connection c, BrowserCredentialRecord r, Instant now)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "INSERT INTO browser_credentials (hash, kind, session_id, admin, created_at,"
                + " expires_at) VALUES (?,?,?,?,?,?)")) {
      bind(ps, r, now);
      ps.executeUpdate();
    }
    dropOldest(c, r);
  }

  /**
   * Drops the oldest of {@code kept}'s holder's credentials of its kind beyond {@link
   * #LIVE_PER_HOLDER}, never {@code kept} itself (credentials made in the same millisecond are
   * ordered by hash, so one of them goes, not the one just saved).
   */
  private static void dropOldest(Connection c, BrowserCredentialRecord kept) throws SQLException {
    String holder = kept.sessionId().isPresent() ? "session_id=?" : "session_id IS NULL";
    List<String> older = new ArrayList<>();
    try (var ps =
        c.prepareStatement(
            "SELECT hash FROM browser_credentials WHERE "
                + holder
                + " AND kind=? AND admin=? AND hash<>? ORDER BY created_at DESC, hash DESC")) {
      int i = 1;
      if (kept.sessionId().isPresent()) {
        ps.setString(i++, kept.sessionId().get().value());
      }
      ps.setString(i++, kept.kind().name());
      ps.setInt(i++, kept.admin() ? 1 : 0);
      ps.setString(i, kept.hash());
      try (ResultSet rs = ps.executeQuery()) {
        int others = 0;
        while (rs.next()) {
          if (++others >= LIVE_PER_HOLDER) {
            older.add(rs.getString(1));
          }
        }
      }
    }
    try (var ps = c.prepareStatement("DELETE FROM browser_credentials WHERE hash=?")) {
      for (String hash : older) {
        ps.setString(1, hash);
        ps.addBatch();
      }
      if (!older.isEmpty()) {
        ps.executeBatch();
      }
    }
  }

  private static void bind(PreparedStatement ps, BrowserCredentialRecord r, Instant now)
      throws SQLException {
    ps.setString(1, r.hash());
    ps.setString(2, r.kind().name());
    ps.setString(3, r.sessionId().map(SessionId::value).orElse(null));
    ps.setInt(4, r.admin() ? 1 : 0);
    ps.setLong(5, now.toEpochMilli());
    ps.setLong(6, r.expiresAt().toEpochMilli());
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
