package dev.berth.registry;

import dev.berth.base.SessionId;
import dev.berth.runtime.RuntimeState;
import dev.berth.session.CullSettings;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;
import dev.berth.session.SessionActivity;
import dev.berth.session.SessionLifecycle;
import dev.berth.session.SessionObservation;
import dev.berth.session.SessionSpec;
import dev.berth.session.SessionStatus;
import dev.berth.template.CullAction;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A session as a row of the sessions table, and back. Maps and the runtime's state are JSON text
 * (sorted, so equal sessions are equal rows); times are epoch milliseconds.
 */
final class SessionRows {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<Map<Integer, String>> ENDPOINTS = new TypeReference<>() {};

  /** Every column a new row gets, in the order {@link #bindInsert} binds them. */
  static final String INSERT =
      "INSERT INTO sessions (id, handle, template, backend, labels, idle_timeout_ms,"
          + " max_lifetime_ms, cull_action, created_at, status, status_reason, runtime_state,"
          + " runtime_state_version, endpoints, updated_at, last_activity_at, last_activity_via,"
          + " desired, restarts, next_restart_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

  /**
   * What an update saves: what is observed, what the owner wants, and the backend (a migration
   * moves it). The rest of the spec never changes; activity is saved by {@code touch}.
   */
  static final String UPDATE =
      "UPDATE sessions SET status=?, status_reason=?, runtime_state=?, runtime_state_version=?,"
          + " endpoints=?, updated_at=?, desired=?, restarts=?, next_restart_at=?, backend=?"
          + " WHERE id=?";

  private SessionRows() {}

  static void bindInsert(PreparedStatement ps, Session s) throws SQLException {
    SessionSpec spec = s.spec();
    ps.setString(1, spec.id().value());
    ps.setString(2, spec.handle());
    ps.setString(3, spec.template());
    ps.setString(4, spec.backend());
    ps.setString(5, JSON.writeValueAsString(new TreeMap<>(spec.labels())));
    CullSettings cull = spec.culling();
    setNullableLong(ps, 6, cull.idleTimeout().map(Duration::toMillis));
    setNullableLong(ps, 7, cull.maxLifetime().map(Duration::toMillis));
    ps.setString(8, cull.action().map(CullAction::name).orElse(null));
    ps.setLong(9, spec.createdAt().toEpochMilli());
    bindObserved(ps, 10, s.observed());
    ps.setLong(16, s.activity().at().toEpochMilli());
    ps.setString(17, s.activity().via());
    bindLifecycle(ps, 18, s.lifecycle());
  }

  static void bindUpdate(PreparedStatement ps, Session s) throws SQLException {
    bindObserved(ps, 1, s.observed());
    bindLifecycle(ps, 7, s.lifecycle());
    ps.setString(10, s.backend());
    ps.setString(11, s.id().value());
  }

  private static void bindObserved(PreparedStatement ps, int i, SessionObservation o)
      throws SQLException {
    ps.setString(i, o.status().name());
    ps.setString(i + 1, o.statusReason());
    ps.setString(i + 2, JSON.writeValueAsString(new TreeMap<>(o.runtimeState().values())));
    ps.setInt(i + 3, o.runtimeState().version());
    ps.setString(i + 4, JSON.writeValueAsString(new TreeMap<>(o.endpoints())));
    ps.setLong(i + 5, o.updatedAt().toEpochMilli());
  }

  private static void bindLifecycle(PreparedStatement ps, int i, SessionLifecycle l)
      throws SQLException {
    ps.setString(i, l.desired().name());
    ps.setInt(i + 1, l.restarts());
    setNullableLong(ps, i + 2, l.nextRestartAt().map(Instant::toEpochMilli));
  }

  static Session read(ResultSet rs) throws SQLException {
    String id = rs.getString("id");
    String handle = rs.getString("handle");
    var spec =
        new SessionSpec(
            SessionId.of(id),
            // blank: a row an older Berth (a replica not yet upgraded) wrote after V7 ran
            handle == null || handle.isBlank() ? id : handle,
            rs.getString("template"),
            rs.getString("backend"),
            JSON.readValue(rs.getString("labels"), STRING_MAP),
            new CullSettings(
                nullableLong(rs, "idle_timeout_ms").map(Duration::ofMillis),
                nullableLong(rs, "max_lifetime_ms").map(Duration::ofMillis),
                Optional.ofNullable(rs.getString("cull_action")).map(CullAction::valueOf)),
            Instant.ofEpochMilli(rs.getLong("created_at")));
    var observed =
        new SessionObservation(
            SessionStatus.valueOf(rs.getString("status")),
            rs.getString("status_reason"),
            new RuntimeState(
                rs.getInt("runtime_state_version"),
                JSON.readValue(rs.getString("runtime_state"), STRING_MAP)),
            JSON.readValue(rs.getString("endpoints"), ENDPOINTS),
            Instant.ofEpochMilli(rs.getLong("updated_at")));
    var activity =
        new SessionActivity(
            Instant.ofEpochMilli(rs.getLong("last_activity_at")),
            rs.getString("last_activity_via"));
    var lifecycle =
        new SessionLifecycle(
            DesiredState.valueOf(rs.getString("desired")),
            rs.getInt("restarts"),
            nullableLong(rs, "next_restart_at").map(Instant::ofEpochMilli));
    return new Session(spec, observed, activity, lifecycle);
  }

  private static void setNullableLong(PreparedStatement ps, int i, Optional<Long> value)
      throws SQLException {
    if (value.isPresent()) {
      ps.setLong(i, value.get());
    } else {
      ps.setNull(i, Types.BIGINT);
    }
  }

  private static Optional<Long> nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(v);
  }
}
