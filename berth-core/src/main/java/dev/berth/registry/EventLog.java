package dev.berth.registry;

import dev.berth.base.SessionId;
import dev.berth.session.SessionEvent;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every session's audit trail: state changes, cleanup receipts, notable failures. Append-only;
 * event ids grow, so a reader follows the log by the last id it saw. Each event carries the
 * incarnation of its session's id it belongs to (see {@link SessionEvent#incarnation}): a session
 * that takes a deleted session's id starts with an empty trail.
 */
public final class EventLog {
  private final Database db;

  EventLog(Database db) {
    this.db = db;
  }

  /**
   * Appends an event to the trail of the session that now holds {@code id} (its latest incarnation)
   * and returns it with its id.
   */
  public SessionEvent append(SessionId id, Instant at, String type, String message, String data) {
    String d = data == null ? "" : data;
    Written written =
        db.write(
            c -> {
              int incarnation = SessionStore.incarnation(c, id);
              try (var ps =
                  c.prepareStatement(
                      "INSERT INTO events (session_id, incarnation, at, type, message, data)"
                          + " VALUES (?,?,?,?,?,?)",
                      Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, id.value());
                ps.setInt(2, incarnation);
                ps.setLong(3, at.toEpochMilli());
                ps.setString(4, type);
                ps.setString(5, message);
                ps.setString(6, d);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                  return new Written(keys.next() ? keys.getLong(1) : 0L, incarnation);
                }
              }
            });
    return new SessionEvent(
        written.id(),
        id,
        written.incarnation(),
        Instant.ofEpochMilli(at.toEpochMilli()),
        type,
        message,
        d);
  }

  private record Written(long id, int incarnation) {}

  /**
   * The trail of the session that now holds {@code id} (its latest incarnation, deleted or not),
   * oldest first, after event id {@code afterId} (0 for all).
   */
  public List<SessionEvent> of(SessionId id, long afterId, int limit) {
    return of(id, db.read(c -> SessionStore.incarnation(c, id)), afterId, limit);
  }

  /** The trail of one incarnation of {@code id}, oldest first, after event id {@code afterId}. */
  public List<SessionEvent> of(SessionId id, int incarnation, long afterId, int limit) {
    return query(
        "SELECT * FROM events WHERE session_id=? AND incarnation=? AND id>? ORDER BY id LIMIT ?",
        ps -> {
          ps.setString(1, id.value());
          ps.setInt(2, incarnation);
          ps.setLong(3, afterId);
          ps.setInt(4, limit);
        });
  }

  /** Events of every session after event id {@code afterId}, oldest first: the event stream. */
  public List<SessionEvent> after(long afterId, int limit) {
    return query(
        "SELECT * FROM events WHERE id>? ORDER BY id LIMIT ?",
        ps -> {
          ps.setLong(1, afterId);
          ps.setInt(2, limit);
        });
  }

  private List<SessionEvent> query(String sql, Database.Binder binder) {
    return db.read(
        c -> {
          List<SessionEvent> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(event(rs));
              }
            }
          }
          return out;
        });
  }

  private static SessionEvent event(ResultSet rs) throws SQLException {
    return new SessionEvent(
        rs.getLong("id"),
        SessionId.of(rs.getString("session_id")),
        rs.getInt("incarnation"),
        Instant.ofEpochMilli(rs.getLong("at")),
        rs.getString("type"),
        rs.getString("message"),
        rs.getString("data"));
  }
}
