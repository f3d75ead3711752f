package dev.berth.registry;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.runtime.CleanupReport.RemovedResource;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Sessions: what was asked (the spec), what was last observed, the last activity, what the owner
 * wants; beside them the image each one runs and a delete's plan. Deleted sessions keep their row
 * until their id is taken again.
 */
public final class SessionStore {
  private final Database db;

  SessionStore(Database db) {
    this.db = db;
  }

  /**
   * Records a new session. Fails with 409 if a live session has this id; a deleted session's row is
   * replaced, so ids can be reused after deletion (the new row starts with no image and no plan,
   * and as the next incarnation of the id: the deleted session's events stay its own).
   */
  public void insert(Session s) {
    db.write(
        c -> {
          insert(c, s);
          return null;
        });
  }

  /** {@link #insert(Session)} inside the caller's transaction (a warm-pool claim's). */
  static void insert(Connection c, Session s) throws SQLException {
    Optional<Session> existing = find(c, s.id());
    if (existing.isPresent() && existing.get().status().isLive()) {
      throw BerthException.conflict(
          "session '" + s.id() + "' already exists (" + existing.get().status() + ")");
    }
    int incarnation = lastIncarnation(c, s.id()).orElse(0) + 1;
    if (existing.isPresent()) {
      try (var ps = c.prepareStatement("DELETE FROM sessions WHERE id = ?")) {
        ps.setString(1, s.id().value());
        ps.executeUpdate();
      }
    }
    try (var ps = c.prepareStatement(SessionRows.INSERT)) {
      SessionRows.bindInsert(ps, s);
      ps.executeUpdate();
    }
    try (var ps = c.prepareStatement("UPDATE sessions SET incarnation=? WHERE id=?")) {
      ps.setInt(1, incarnation);
      ps.setString(2, s.id().value());
      ps.executeUpdate();
    }
  }

  /**
   * Which incarnation of {@code id} the session that now holds it is (1: the first session with
   * this id; each one created after a delete counts one more), including a deleted one; empty when
   * no session ever had it.
   */
  public OptionalInt incarnation(SessionId id) {
    return db.read(c -> lastIncarnation(c, id));
  }

  /** The incarnation new events of {@code id} belong to: its latest, or 1 for an unknown id. */
  static int incarnation(Connection c, SessionId id) throws SQLException {
    return lastIncarnation(c, id).orElse(1);
  }

  // The row's, else the highest in the trail: the events outlive a row (never removed today, but
  // a reused id must never share an incarnation with the trail of an earlier session).
  private static OptionalInt lastIncarnation(Connection c, SessionId id) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "SELECT MAX(n) FROM (SELECT incarnation AS n FROM sessions WHERE id=? UNION ALL"
                + " SELECT MAX(incarnation) AS n FROM events WHERE session_id=?) known")) {
      ps.setString(1, id.value());
      ps.setString(2, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return OptionalInt.empty();
        }
        int n = rs.getInt(1); // 0 for NULL: no row and no events
        return n > 0 ? OptionalInt.of(n) : OptionalInt.empty();
      }
    }
  }

  /** Saves what was observed of a session, what its owner wants, and its backend. */
  public void update(Session s) {
    int changed = db.update(SessionRows.UPDATE, ps -> SessionRows.bindUpdate(ps, s));
    if (changed != 1) {
      throw BerthException.notFound("no session '" + s.id() + "' in the registry");
    }
  }

  /** Records activity (API, tool or proxy use) for idle culling; cheap, no read first. */
  public void touch(SessionId id, Instant at, String via) {
    db.update(
        "UPDATE sessions SET last_activity_at=?, last_activity_via=? WHERE id=? AND"
            + " last_activity_at<?",
        ps -> {
          ps.setLong(1, at.toEpochMilli());
          ps.setString(2, via);
          ps.setString(3, id.value());
          ps.setLong(4, at.toEpochMilli());
        });
  }

  /** The session with this id, including a deleted one. */
  public Optional<Session> find(SessionId id) {
    return db.read(c -> find(c, id));
  }

  private static Optional<Session> find(Connection c, SessionId id) throws SQLException {
    try (var ps = c.prepareStatement("SELECT * FROM sessions WHERE id = ?")) {
      ps.setString(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(SessionRows.read(rs)) : Optional.empty();
      }
    }
  }

  /**
   * The session whose runtime resources are named from {@code handle} (the newest, should a deleted
   * session's id have been taken again), including a deleted one.
   */
  public Optional<Session> findByHandle(String handle) {
    return db.read(
        c -> {
          try (var ps =
              c.prepareStatement(
                  "SELECT * FROM sessions WHERE handle = ? OR (handle = '' AND id = ?)"
                      + " ORDER BY created_at DESC")) {
            ps.setString(1, handle);
            ps.setString(2, handle);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(SessionRows.read(rs)) : Optional.empty();
            }
          }
        });
  }

  /** The sessions the filter matches, oldest first. */
  public List<Session> list(SessionFilter filter) {
    return db.read(
        c -> {
          List<Session> out = new ArrayList<>();
          try (var ps = c.prepareStatement("SELECT * FROM sessions ORDER BY created_at, id");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              Session s = SessionRows.read(rs);
              if (filter.matches(s)) {
                out.add(s);
              }
            }
          }
          return out;
        });
  }

  /** How many sessions there are per backend and status (deleted ones left out). */
  public Map<String, Map<SessionStatus, Integer>> countByBackendAndStatus() {
    return db.read(
        c -> {
          Map<String, Map<SessionStatus, Integer>> out = new TreeMap<>();
          try (var ps =
                  c.prepareStatement(
                      "SELECT backend, status, COUNT(*) FROM sessions WHERE status <> 'DELETED'"
                          + " GROUP BY backend, status");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.computeIfAbsent(rs.getString(1), k -> new EnumMap<>(SessionStatus.class))
                  .put(SessionStatus.valueOf(rs.getString(2)), rs.getInt(3));
            }
          }
          return out;
        });
  }

  // ---- images -------------------------------------------------------------------------------

  /** Records the image the session's container runs (empty: none, or not known). */
  public void setImageId(SessionId id, String imageId) {
    db.update(
        "UPDATE sessions SET image_id=? WHERE id=?",
        ps -> {
          ps.setString(1, imageId);
          ps.setString(2, id.value());
        });
  }

  /** The image each live session runs, for those where one is recorded. */
  public Map<SessionId, String> imageIds() {
    return db.read(
        c -> {
          Map<SessionId, String> out = new TreeMap<>(Comparator.comparing(SessionId::value));
          try (var ps =
                  c.prepareStatement(
                      "SELECT id, image_id FROM sessions WHERE status<>'DELETED' AND image_id<>''");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(SessionId.of(rs.getString("id")), rs.getString("image_id"));
            }
          }
          return out;
        });
  }

  // ---- definitions --------------------------------------------------------------------------

  /**
   * Records the definition fingerprint the session's container, process or pod was made or started
   * from (see {@link dev.berth.template.TemplateDefinition}).
   */
  public void setDefinition(SessionId id, String fingerprint) {
    db.update(
        "UPDATE sessions SET definition=? WHERE id=?",
        ps -> {
          ps.setString(1, fingerprint);
          ps.setString(2, id.value());
        });
  }

  /** The session's recorded definition fingerprint; empty when none is recorded. */
  public String definition(SessionId id) {
    return db.read(
        c -> {
          try (var ps = c.prepareStatement("SELECT definition FROM sessions WHERE id=?")) {
            ps.setString(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getString(1) : "";
            }
          }
        });
  }

  /** The recorded definition fingerprint of each live session that has one (for listings). */
  public Map<SessionId, String> definitions() {
    return db.read(
        c -> {
          Map<SessionId, String> out = new TreeMap<>(Comparator.comparing(SessionId::value));
          try (var ps =
                  c.prepareStatement(
                      "SELECT id, definition FROM sessions"
                          + " WHERE status<>'DELETED' AND definition<>''");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(SessionId.of(rs.getString("id")), rs.getString("definition"));
            }
          }
          return out;
        });
  }

  // ---- a delete's plan ----------------------------------------------------------------------

  /**
   * Records what a delete of the session is about to remove, before it removes anything: if that
   * run is killed half-way, the run that finishes it reads the plan back ({@link #deletePlan}) and
   * lists in its receipt what the killed run had removed. Replaces an earlier plan.
   */
  public void saveDeletePlan(SessionId id, List<RemovedResource> plan) {
    String json = SessionRows.JSON.writeValueAsString(plan);
    db.update(
        "UPDATE sessions SET delete_plan=? WHERE id=?",
        ps -> {
          ps.setString(1, json);
          ps.setString(2, id.value());
        });
  }

  /**
   * The plan the session's last delete recorded; empty when none was (or it cannot be read: the
   * plan only adds detail to a receipt, it never decides what is removed).
   */
  public List<RemovedResource> deletePlan(SessionId id) {
    String json =
        db.read(
            c -> {
              try (var ps = c.prepareStatement("SELECT delete_plan FROM sessions WHERE id=?")) {
                ps.setString(1, id.value());
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next() ? rs.getString(1) : null;
                }
              }
            });
    if (json == null || json.isBlank()) {
      return List.of();
    }
    try {
      return List.of(SessionRows.JSON.readValue(json, RemovedResource[].class));
    } catch (RuntimeException unreadable) {
      return List.of();
    }
  }

  // ---- a migration in flight ------------------------------------------------------------------

  /**
   * Records the session's migration as under way (replacing what was recorded): written before the
   * source is stopped and again once the target made something, so a manager killed at any point
   * leaves what the next start needs to roll it back or finish it.
   */
  public void saveMigration(SessionId id, MigrationRecord migration) {
    String json = SessionRows.JSON.writeValueAsString(migration);
    db.update(
        "UPDATE sessions SET migration=? WHERE id=?",
        ps -> {
          ps.setString(1, json);
          ps.setString(2, id.value());
        });
  }

  /** The migration is over (done or rolled back). */
  public void clearMigration(SessionId id) {
    db.update("UPDATE sessions SET migration=NULL WHERE id=?", ps -> ps.setString(1, id.value()));
  }

  /** Every session with a migration recorded as under way, and that migration. */
  public Map<SessionId, MigrationRecord> migrations() {
    return db.read(
        c -> {
          Map<SessionId, MigrationRecord> out =
              new TreeMap<>(Comparator.comparing(SessionId::value));
          try (var ps =
                  c.prepareStatement(
                      "SELECT id, migration FROM sessions WHERE migration IS NOT NULL");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(
                  SessionId.of(rs.getString("id")),
                  SessionRows.JSON.readValue(rs.getString("migration"), MigrationRecord.class));
            }
          }
          return out;
        });
  }
}
