package dev.berth.registry;

import dev.berth.registry.PoolMemberRecord.State;
import dev.berth.runtime.RuntimeState;
import dev.berth.session.Session;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import tools.jackson.core.type.TypeReference;

/**
 * Warm-pool members ({@link PoolMemberRecord}) and the claim that turns one into a session. A claim
 * is one transaction: the member's row goes and the session's row comes, so a member is never given
 * to two sessions (the second delete of one row finds nothing, and that claim takes another member)
 * and a manager killed at any point leaves the member either in the pool or in its session.
 */
public final class PoolStore {
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<Map<Integer, String>> ENDPOINTS = new TypeReference<>() {};
  private final Database db;

  PoolStore(Database db) {
    this.db = db;
  }

  /** A member claimed for a session: what it was, and the session now recorded with it. */
  public record Claim(PoolMemberRecord member, Session session) {}

  /** Records a member before anything of it is made. */
  public void add(PoolMemberRecord m) {
    db.update(
        "INSERT INTO pool_members (handle, template, backend, definition, state, runtime_state,"
            + " runtime_state_version, endpoints, image_id, created_at, ready_at)"
            + " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        ps -> {
          ps.setString(1, m.handle());
          ps.setString(2, m.template());
          ps.setString(3, m.backend());
          ps.setString(4, m.definition());
          ps.setString(5, m.state().name());
          ps.setString(6, json(m.runtimeState().values()));
          ps.setInt(7, m.runtimeState().version());
          ps.setString(8, SessionRows.JSON.writeValueAsString(new TreeMap<>(m.endpoints())));
          ps.setString(9, m.imageId());
          ps.setLong(10, m.createdAt().toEpochMilli());
          if (m.readyAt().isPresent()) {
            ps.setLong(11, m.readyAt().get().toEpochMilli());
          } else {
            ps.setNull(11, java.sql.Types.BIGINT);
          }
        });
  }

  /** What the runtime made so far (after prepare, after start): a crash then removes it all. */
  public void saveState(String handle, RuntimeState state) {
    db.update(
        "UPDATE pool_members SET runtime_state=?, runtime_state_version=? WHERE handle=?",
        ps -> {
          ps.setString(1, json(state.values()));
          ps.setInt(2, state.version());
          ps.setString(3, handle);
        });
  }

  /** The member's app answers: it may be claimed from now on. */
  public void ready(
      String handle,
      RuntimeState state,
      Map<Integer, String> endpoints,
      String imageId,
      Instant at) {
    db.update(
        "UPDATE pool_members SET state=?, runtime_state=?, runtime_state_version=?, endpoints=?,"
            + " image_id=?, ready_at=? WHERE handle=?",
        ps -> {
          ps.setString(1, State.READY.name());
          ps.setString(2, json(state.values()));
          ps.setInt(3, state.version());
          ps.setString(4, SessionRows.JSON.writeValueAsString(new TreeMap<>(endpoints)));
          ps.setString(5, imageId);
          ps.setLong(6, at.toEpochMilli());
          ps.setString(7, handle);
        });
  }

  /** Takes the member out of the pool; false when it was not there (claimed, or removed). */
  public boolean remove(String handle) {
    return db.update("DELETE FROM pool_members WHERE handle=?", ps -> ps.setString(1, handle)) == 1;
  }

  /** Every member, oldest first. */
  public List<PoolMemberRecord> list() {
    return db.read(
        c -> {
          try (var ps =
                  c.prepareStatement("SELECT * FROM pool_members ORDER BY created_at, handle");
              ResultSet rs = ps.executeQuery()) {
            List<PoolMemberRecord> out = new ArrayList<>();
            while (rs.next()) {
              out.add(read(rs));
            }
            return out;
          }
        });
  }

  /** Whether {@code handle} is a member's (the orphan collector leaves those alone). */
  public boolean knows(String handle) {
    return db.read(
        c -> {
          try (var ps = c.prepareStatement("SELECT 1 FROM pool_members WHERE handle=?")) {
            ps.setString(1, handle);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  /**
   * The ready members of {@code template} on {@code backend} made from {@code definition},
   * longest-ready first.
   */
  public List<PoolMemberRecord> ready(String template, String backend, String definition) {
    return db.read(
        c -> {
          try (var ps =
              c.prepareStatement(
                  "SELECT * FROM pool_members WHERE template=? AND backend=? AND definition=? AND"
                      + " state=? ORDER BY ready_at, handle")) {
            ps.setString(1, template);
            ps.setString(2, backend);
            ps.setString(3, definition);
            ps.setString(4, State.READY.name());
            try (ResultSet rs = ps.executeQuery()) {
              List<PoolMemberRecord> out = new ArrayList<>();
              while (rs.next()) {
                out.add(read(rs));
              }
              return out;
            }
          }
        });
  }

  /**
   * Claims the member {@code m} if it is still ready in the pool, and records the session {@code
   * toSession} makes of it, with the member's image and definition, in one transaction; empty when
   * another claim (or a removal) took it first. A session that cannot be recorded (its id is taken:
   * 409) leaves the member in the pool.
   */
  public Optional<Claim> claim(PoolMemberRecord m, Function<PoolMemberRecord, Session> toSession) {
    return db.write(c -> take(c, m, toSession));
  }

  private static Optional<Claim> take(
      Connection c, PoolMemberRecord m, Function<PoolMemberRecord, Session> toSession)
      throws SQLException {
    try (var ps = c.prepareStatement("DELETE FROM pool_members WHERE handle=? AND state=?")) {
      ps.setString(1, m.handle());
      ps.setString(2, State.READY.name());
      if (ps.executeUpdate() != 1) {
        return Optional.empty(); // another claim's, committed after our read
      }
    }
    Session s = toSession.apply(m);
    SessionStore.insert(c, s);
    try (var ps = c.prepareStatement("UPDATE sessions SET image_id=?, definition=? WHERE id=?")) {
      ps.setString(1, m.imageId());
      ps.setString(2, m.definition());
      ps.setString(3, s.id().value());
      ps.executeUpdate();
    }
    return Optional.of(new Claim(m, s));
  }

  private static PoolMemberRecord read(ResultSet rs) throws SQLException {
    long readyAt = rs.getLong("ready_at");
    boolean hasReadyAt = !rs.wasNull();
    return new PoolMemberRecord(
        rs.getString("handle"),
        rs.getString("template"),
        rs.getString("backend"),
        rs.getString("definition"),
        State.valueOf(rs.getString("state")),
        new RuntimeState(
            rs.getInt("runtime_state_version"),
            SessionRows.JSON.readValue(rs.getString("runtime_state"), STRING_MAP)),
        SessionRows.JSON.readValue(rs.getString("endpoints"), ENDPOINTS),
        rs.getString("image_id"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        hasReadyAt ? Optional.of(Instant.ofEpochMilli(readyAt)) : Optional.empty());
  }

  private static String json(Map<String, String> values) {
    return SessionRows.JSON.writeValueAsString(new TreeMap<>(values));
  }
}
