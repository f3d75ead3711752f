package dev.berth.registry;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.OwnerOnly;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;

/**
 * The registry's one database: its connection pool, its schema (Flyway migrations) and the two ways
 * work runs on it, a read or a write transaction. The stores share it; everything that differs
 * between SQLite and PostgreSQL is here or in {@code db/vendor/<database>}.
 */
final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Work on one connection; the store that calls it does not see transactions. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Opens (creating and migrating if needed) the SQLite database at {@code file}. */
  static Database openSqlite(Path file) {
    Path absolute = file.toAbsolutePath();
    try {
      if (!Files.isDirectory(absolute.getParent())) {
        OwnerOnly.directory(absolute.getParent());
      }
      // Made 0600 before SQLite opens it: SQLite gives -wal and -shm the main file's mode, so
      // they are 0600 too (an older Berth's 0644 files are corrected here).
      OwnerOnly.file(absolute);
      OwnerOnly.existing(Path.of(absolute + "-wal"));
      OwnerOnly.existing(Path.of(absolute + "-shm"));
    } catch (java.io.UncheckedIOException e) {
      throw new BerthException(ErrorCode.INTERNAL, "cannot create " + file, e);
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

  /** Opens (migrating if needed) a PostgreSQL database; see {@link Registry#openPostgres}. */
  static Database openPostgres(String jdbcUrl, String user, String password) {
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
  static String redact(String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  // V1 differs per database (how the events id is generated); later migrations are portable SQL
  // in db/migration and run on both; the first ones are in db/vendor/<database>.
  private static Database open(HikariConfig config, String vendor) {
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
    return new Database(ds);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /**
   * A single read: autocommit, no transaction to upgrade. Reads never take the write lock, so they
   * run beside the writer (WAL).
   */
  <T> T read(SqlWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new BerthException(ErrorCode.INTERNAL, "registry error: " + e.getMessage(), e);
    }
  }

  /**
   * A write transaction. On SQLite it begins IMMEDIATE (see the JDBC URL): it takes the write lock
   * at its start and waits its turn (busy_timeout) instead of reading first and failing with
   * SQLITE_BUSY when it tries to upgrade after another writer committed, which a deferred
   * transaction does under concurrent creates.
   */
  <T> T write(SqlWork<T> work) {
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

  /** A write transaction of one statement; returns how many rows it changed. */
  int update(String sql, Binder binder) {
    return write(
        c -> {
          try (var ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
          }
        });
  }

  /** Sets a statement's parameters. */
  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
