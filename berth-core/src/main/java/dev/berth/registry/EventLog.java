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
 * event ids grow, so a reader follows the log by the last id it saw.
 */
public final class EventLog {
  private final Database db;

  EventLog(Database db) {
    this.db = db;
  }

  /** Appends an event to the session's audit trail and returns it with its id. */
  public SessionEvent append(SessionId id, Instant at, String type, String message, String data) {
    String d = data == null ? "" : data;
    long eventId =
        db.write(
            c -> {
              try (var ps =
                  c.prepareStatement(
                      "INSERT INTO events (session_id, at, type, message, data) VALUES (?,?,?,?,?)",
                      Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, id.value());
                ps.setLong(2, at.toEpochMilli());
                ps.setString(3, type);
                ps.setString(4, message);
                ps.setString(5, d);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                  return keys.next() ? keys.getLong(1) : 0L;
                }
              }
            });
    return new SessionEvent(eventId, id, Instant.ofEpochMilli(at.toEpochMilli()), type, message, d);
  }

  /** A session's events, oldest first, after event id {@code afterId} (0 for all). */
  public List<SessionEvent> of(SessionId id, long afterId, int limit) {
    return query(
        "SELECT * FROM events WHERE session_id=? AND id>? ORDER BY id LIMIT ?",
        ps -> {
          ps.setString(1, id.value());
          ps.setLong(2, afterId);
          ps.setInt(3, limit);
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
        Instant.ofEpochMilli(rs.getLong("at")),
        rs.getString("type"),
        rs.getString("message"),
        rs.getString("data"));
  }
}
