package dev.berth.registry;

import java.nio.file.Path;

/**
 * The durable record of sessions: one database, and the stores over it that the rest of Berth uses.
 * Plain SQL over JDBC; the schema is versioned by Flyway migrations. SQLite in the data directory
 * by default (one manager), PostgreSQL where several managers share it.
 */
public final class Registry implements AutoCloseable {
  private final Database db;
  private final SessionStore sessions;
  private final EventLog events;
  private final TokenStore tokens;
  private final BrowserCredentialStore browserCredentials;
  private final PoolStore pools;

  private Registry(Database db) {
    this.db = db;
    this.sessions = new SessionStore(db);
    this.events = new EventLog(db);
    this.tokens = new TokenStore(db);
    this.browserCredentials = new BrowserCredentialStore(db);
    this.pools = new PoolStore(db);
  }

  /** Opens (creating and migrating if needed) the SQLite registry at {@code file}. */
  public static Registry openSqlite(Path file) {
    return new Registry(Database.openSqlite(file));
  }

  /**
   * Opens (migrating if needed) a PostgreSQL registry, for installations where Berth runs in more
   * than one place or in a cluster. {@code jdbcUrl} is a {@code jdbc:postgresql://} URL; user and
   * password may be in it or given here (empty: not set).
   */
  public static Registry openPostgres(String jdbcUrl, String user, String password) {
    return new Registry(Database.openPostgres(jdbcUrl, user, password));
  }

  /** The URL without a password parameter, for messages. */
  public static String redact(String jdbcUrl) {
    return Database.redact(jdbcUrl);
  }

  /** Sessions, the image each runs, a delete's plan. */
  public SessionStore sessions() {
    return sessions;
  }

  /** Every session's audit trail. */
  public EventLog events() {
    return events;
  }

  /** API tokens (hashed). */
  public TokenStore tokens() {
    return tokens;
  }

  /** Browser login links, proxy cookies and dashboard logins (hashed). */
  public BrowserCredentialStore browserCredentials() {
    return browserCredentials;
  }

  /** Warm-pool members, and the claim that makes one a session. */
  public PoolStore pools() {
    return pools;
  }

  @Override
  public void close() {
    db.close();
  }
}
