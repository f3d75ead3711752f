package dev.berth.registry;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The registry contract on SQLite, the embedded default. */
class SqliteRegistryTest extends RegistryContract {
  @TempDir Path dir;

  @Override
  Registry open() {
    return Registry.openSqlite(dir.resolve("berth.db"));
  }

  @Override
  String jdbcUrl() {
    return "jdbc:sqlite:" + dir.resolve("berth.db").toAbsolutePath();
  }

  @Override
  String vendor() {
    return "sqlite";
  }
}
