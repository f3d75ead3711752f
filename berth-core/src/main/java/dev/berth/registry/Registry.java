package dev.berth.registry;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.RuntimeState;
import dev.berth.session.CullSettings;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;
import dev.berth.session.SessionEvent;
import dev.berth.session.SessionLifecycle;
import dev.berth.session.SessionStatus;
import dev.berth.template.CullAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The durable record of sessions (desired and observed state), tokens (hashed) and events (the
 * audit trail). Plain SQL over JDBC; the schema is versioned by Flyway migrations. SQLite in the
 * data directory by default.
 */
public final class Registry implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<Map<Integer, String>> ENDPOINTS = new TypeReference<>() {};

  private final HikariDataSource dataSource;

  private Registry(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Opens (creating and migrating if needed) the SQLite registry at {@code file}. */
  public static Registry openSqlite(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
    } catch (java.io.IOException e) {
      throw new BerthException(ErrorCode.INTERNAL, "cannot create " + file.getParent(), e);
    }
    var config = new HikariConfig();
    // WAL lets readers run beside the single writer; busy_timeout makes writers queue, not fail.
    // synchronous=NORMAL is WAL's recommended mode: a commit survives a crash of Berth (the case
    // the registry must survive); only a power loss may lose the last commits, not corrupt them.
    config.setJdbcUrl(
        "jdbc:sqlite:"
            + file.toAbsolutePath()
            + "?journal_mode=WAL&synchronous=NORMAL&busy_timeout=10000&transaction_mode=IMMEDIATE");
    config.setMaximumPoolSize(4);
    config.setPoolName("berth-registry");
    return open(config, "sqlite");
  }

  /**
   * Opens (migrating if needed) a PostgreSQL registry, for installations where Berth runs in more
   * than one place or in a cluster. {@code jdbcUrl} is a {@code jdbc:postgresql://} URL; user and
   * password may be in it or given here (empty: not set).
   */
  public static Registry openPostgres(String jdbcUrl, String user, String password) {
    if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
      throw BerthException.badRequest(
          "registry URL must start with jdbc:postgresql:// (got '" + redact(jdbcUrl) + "')");
    }
    var config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    if (!user.isEmpty()) {
      config.setUsername(user);
    }
    if (!password.isEmpty()) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(8);
    config.setPoolName("berth-registry");
    // Fail start-up in seconds with the driver's reason, not after Hikari's 30 s default.
    config.setConnectionTimeout(10_000);
    return open(config, "postgresql");
  }

  /** The URL without a password parameter, for messages. */
  public static String redact(String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  // V1 differs per database (how the events id is generated); later migrations are portable SQL
  // in db/migration and run on both; the first ones are in db/vendor/<database>.
  private static Registry open(HikariConfig config, String vendor) {
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new BerthException(
          ErrorCode.INTERNAL,
          "cannot open the "
              + vendor
              + " registry at "
              + redact(config.getJdbcUrl())
              + ": "
              + rootMessage(e),
          e);
    }
    try {
      Flyway.configure()
          .dataSource(ds)
          .locations("classpath:db/migration", "classpath:db/vendor/" + vendor)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return new Registry(ds);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * A single read: autocommit, no transaction to upgrade. Reads never take the write lock, so they
   * run beside the writer (WAL).
   */
  private <T> T inRead(SqlWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new BerthException(ErrorCode.INTERNAL, "registry error: " + e.getMessage(), e);
    }
  }

  /**
   * A write transaction. It begins IMMEDIATE (see the JDBC URL): it takes the write lock at its
   * start and waits its turn (busy_timeout) instead of reading first and failing with SQLITE_BUSY
   * when it tries to upgrade after another writer committed, which a deferred transaction does
   * under concurrent creates.
   */
  private <T> T inTransaction(SqlWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new BerthException(ErrorCode.INTERNAL, "registry error: " + e.getMessage(), e);
    }
  }

  /**
   * Records a new session. Fails with 409 if a live session has this id; a deleted session's row is
   * replaced, so ids can be reused after deletion.
   */
  public void insert(Session s) {
    inTransaction(
        c -> {
          Optional<Session> existing = find(c, s.id());
          if (existing.isPresent() && existing.get().status().isLive()) {
            throw BerthException.conflict(
                "session '" + s.id() + "' already exists (" + existing.get().status() + ")");
          }
          if (existing.isPresent()) {
            try (var ps = c.prepareStatement("DELETE FROM sessions WHERE id = ?")) {
              ps.setString(1, s.id().value());
              ps.executeUpdate();
            }
          }
          try (var ps =
              c.prepareStatement(
                  "INSERT INTO sessions (id, template, backend, status, status_reason, labels,"
                      + " runtime_state, runtime_state_version, endpoints, created_at, updated_at,"
                      + " last_activity_at, desired, restarts, next_restart_at, idle_timeout_ms,"
                      + " max_lifetime_ms, cull_action) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, s.id().value());
            ps.setString(2, s.template());
            ps.setString(3, s.backend());
            bindMutable(ps, 4, s);
            ps.setLong(10, s.createdAt().toEpochMilli());
            ps.setLong(11, s.updatedAt().toEpochMilli());
            ps.setLong(12, s.lastActivityAt().toEpochMilli());
            bindLifecycle(ps, 13, s.lifecycle());
            CullSettings cull = s.culling();
            setNullableLong(ps, 16, cull.idleTimeout().map(Duration::toMillis));
            setNullableLong(ps, 17, cull.maxLifetime().map(Duration::toMillis));
            ps.setString(18, cull.action().map(CullAction::name).orElse(null));
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** Saves a session's backend, status, reason, labels, runtime state, endpoints, lifecycle. */
  public void update(Session s) {
    inTransaction(
        c -> {
          try (var ps =
              c.prepareStatement(
                  "UPDATE sessions SET status=?, status_reason=?, labels=?, runtime_state=?,"
                      + " runtime_state_version=?, endpoints=?, updated_at=?, desired=?,"
                      + " restarts=?, next_restart_at=?, backend=? WHERE id=?")) {
            bindMutable(ps, 1, s);
            ps.setLong(7, s.updatedAt().toEpochMilli());
            bindLifecycle(ps, 8, s.lifecycle());
            ps.setString(11, s.backend());
            ps.setString(12, s.id().value());
            if (ps.executeUpdate() != 1) {
              throw BerthException.notFound("no session '" + s.id() + "' in the registry");
            }
          }
          return null;
        });
  }

  private static void bindMutable(PreparedStatement ps, int i, Session s) throws SQLException {
    ps.setString(i, s.status().name());
    ps.setString(i + 1, s.statusReason());
    ps.setString(i + 2, JSON.writeValueAsString(new TreeMap<>(s.labels())));
    ps.setString(i + 3, JSON.writeValueAsString(new TreeMap<>(s.runtimeState().values())));
    ps.setInt(i + 4, s.runtimeState().version());
    ps.setString(i + 5, JSON.writeValueAsString(new TreeMap<>(s.endpoints())));
  }

  private static void bindLifecycle(PreparedStatement ps, int i, SessionLifecycle l)
      throws SQLException {
    ps.setString(i, l.desired().name());
    ps.setInt(i + 1, l.restarts());
    setNullableLong(ps, i + 2, l.nextRestartAt().map(Instant::toEpochMilli));
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

  /** Records activity (API, tool or proxy use) for idle culling; cheap, no read first. */
  public void touch(SessionId id, Instant at, String via) {
    inTransaction(
        c -> {
          try (var ps =
              c.prepareStatement(
                  "UPDATE sessions SET last_activity_at=?, last_activity_via=?"
                      + " WHERE id=? AND last_activity_at<?")) {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, via);
            ps.setString(3, id.value());
            ps.setLong(4, at.toEpochMilli());
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** Records the image the session's container runs (empty: none, or not known). */
  public void setImageId(SessionId id, String imageId) {
    inTransaction(
        c -> {
          try (var ps = c.prepareStatement("UPDATE sessions SET image_id=? WHERE id=?")) {
            ps.setString(1, imageId);
            ps.setString(2, id.value());
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** The image each live session runs, for those where one is recorded. */
  public Map<SessionId, String> imageIds() {
    return inTransaction(
        c -> {
          Map<SessionId, String> out =
              new TreeMap<>(java.util.Comparator.comparing(SessionId::value));
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

  /** The session with this id, including a deleted one. */
  public Optional<Session> find(SessionId id) {
    return inRead(c -> find(c, id));
  }

  private Optional<Session> find(Connection c, SessionId id) throws SQLException {
    try (var ps = c.prepareStatement("SELECT * FROM sessions WHERE id = ?")) {
      ps.setString(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  public List<Session> list(SessionFilter filter) {
    return inRead(
        c -> {
          List<Session> out = new ArrayList<>();
          try (var ps = c.prepareStatement("SELECT * FROM sessions ORDER BY created_at, id");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              Session s = read(rs);
              if (filter.matches(s)) {
                out.add(s);
              }
            }
          }
          return out;
        });
  }

  private static Session read(ResultSet rs) throws SQLException {
    return new Session(
        SessionId.of(rs.getString("id")),
        rs.getString("template"),
        rs.getString("backend"),
        SessionStatus.valueOf(rs.getString("status")),
        rs.getString("status_reason"),
        JSON.readValue(rs.getString("labels"), STRING_MAP),
        new RuntimeState(
            rs.getInt("runtime_state_version"),
            JSON.readValue(rs.getString("runtime_state"), STRING_MAP)),
        JSON.readValue(rs.getString("endpoints"), ENDPOINTS),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")),
        Instant.ofEpochMilli(rs.getLong("last_activity_at")),
        rs.getString("last_activity_via"),
        new SessionLifecycle(
            DesiredState.valueOf(rs.getString("desired")),
            rs.getInt("restarts"),
            nullableLong(rs, "next_restart_at").map(Instant::ofEpochMilli)),
        new CullSettings(
            nullableLong(rs, "idle_timeout_ms").map(Duration::ofMillis),
            nullableLong(rs, "max_lifetime_ms").map(Duration::ofMillis),
            Optional.ofNullable(rs.getString("cull_action")).map(CullAction::valueOf)));
  }

  /** Appends an event to the session's audit trail and returns it with its id. */
  public SessionEvent appendEvent(
      SessionId id, Instant at, String type, String message, String data) {
    String d = data == null ? "" : data;
    long eventId =
        inTransaction(
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

  /** Events of every session after event id {@code afterId}, oldest first: the event stream. */
  public List<SessionEvent> eventsAfter(long afterId, int limit) {
    return inRead(
        c -> {
          List<SessionEvent> out = new ArrayList<>();
          try (var ps = c.prepareStatement("SELECT * FROM events WHERE id>? ORDER BY id LIMIT ?")) {
            ps.setLong(1, afterId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(event(rs));
              }
            }
          }
          return out;
        });
  }

  /** The id of the newest event, 0 when there is none. */
  public long lastEventId() {
    return inRead(
        c -> {
          try (var ps = c.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM events");
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
          }
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

  /** How many sessions there are per backend and status (deleted ones left out). */
  public Map<String, Map<SessionStatus, Integer>> countByBackendAndStatus() {
    return inRead(
        c -> {
          Map<String, Map<SessionStatus, Integer>> out = new TreeMap<>();
          try (var ps =
                  c.prepareStatement(
                      "SELECT backend, status, COUNT(*) FROM sessions WHERE status <> 'DELETED'"
                          + " GROUP BY backend, status");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.computeIfAbsent(
                      rs.getString(1), k -> new java.util.EnumMap<>(SessionStatus.class))
                  .put(SessionStatus.valueOf(rs.getString(2)), rs.getInt(3));
            }
          }
          return out;
        });
  }

  /** A session's events, oldest first, after event id {@code afterId} (0 for all). */
  public List<SessionEvent> events(SessionId id, long afterId, int limit) {
    return inRead(
        c -> {
          List<SessionEvent> out = new ArrayList<>();
          try (var ps =
              c.prepareStatement(
                  "SELECT * FROM events WHERE session_id=? AND id>? ORDER BY id LIMIT ?")) {
            ps.setString(1, id.value());
            ps.setLong(2, afterId);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(event(rs));
              }
            }
          }
          return out;
        });
  }

  public void saveToken(TokenRecord token, Instant at) {
    inTransaction(
        c -> {
          try (var ps =
              c.prepareStatement(
                  "INSERT INTO tokens (hash, kind, session_id, created_at) VALUES (?,?,?,?)")) {
            ps.setString(1, token.hash());
            ps.setString(2, token.kind().name());
            ps.setString(3, token.sessionId().map(SessionId::value).orElse(null));
            ps.setLong(4, at.toEpochMilli());
            ps.executeUpdate();
          }
          return null;
        });
  }

  public Optional<TokenRecord> findToken(String hash) {
    return inRead(
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

  public boolean hasAdminToken() {
    return inRead(
        c -> {
          try (var ps = c.prepareStatement("SELECT 1 FROM tokens WHERE kind='ADMIN' LIMIT 1");
              ResultSet rs = ps.executeQuery()) {
            return rs.next();
          }
        });
  }

  /**
   * Revokes every token of a session, and its browser credentials (on delete, so a reused id starts
   * clean).
   */
  public void deleteTokens(SessionId id) {
    inTransaction(
        c -> {
          try (var ps = c.prepareStatement("DELETE FROM tokens WHERE session_id=?")) {
            ps.setString(1, id.value());
            ps.executeUpdate();
          }
          try (var ps = c.prepareStatement("DELETE FROM browser_credentials WHERE session_id=?")) {
            ps.setString(1, id.value());
            ps.executeUpdate();
          }
          return null;
        });
  }

  // ---- browser credentials ----------------------------------------------------------------------

  /** Stores a browser credential, and drops the expired ones (cheap: indexed by expiry). */
  public void saveBrowserCredential(BrowserCredentialRecord r, Instant now) {
    inTransaction(
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
  public Optional<BrowserCredentialRecord> findBrowserCredential(
      String hash, BrowserCredentialRecord.Kind kind, Instant now) {
    return inTransaction(c -> findBrowserCredential(c, hash, kind, now));
  }

  /** Finds and deletes in one transaction: a one-time credential is used at most once. */
  public Optional<BrowserCredentialRecord> takeBrowserCredential(
      String hash, BrowserCredentialRecord.Kind kind, Instant now) {
    return inTransaction(
        c -> {
          Optional<BrowserCredentialRecord> found = findBrowserCredential(c, hash, kind, now);
          try (var ps = c.prepareStatement("DELETE FROM browser_credentials WHERE hash=?")) {
            ps.setString(1, hash);
            if (ps.executeUpdate() != 1) {
              return Optional.empty();
            }
          }
          return found;
        });
  }

  public void deleteBrowserCredential(String hash) {
    inTransaction(
        c -> {
          try (var ps = c.prepareStatement("DELETE FROM browser_credentials WHERE hash=?")) {
            ps.setString(1, hash);
            ps.executeUpdate();
          }
          return null;
        });
  }

  private static Optional<BrowserCredentialRecord> findBrowserCredential(
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

  @Override
  public void close() {
    dataSource.close();
  }
}
