package dev.berth.registry;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A private PostgreSQL server for tests, from Debian's {@code postgresql} package: its own data
 * directory and port on 127.0.0.1, trust authentication, no fsync, stopped when the JVM exits. One
 * per JVM; each test gets a fresh database. When CI is set and PostgreSQL is not installed, tests
 * fail (never skip); elsewhere they are skipped with the package to install.
 */
public final class LocalPostgres {
  private static final String USER = "berth";
  private static LocalPostgres instance;
  private final int port;
  private final AtomicInteger databases = new AtomicInteger();

  private LocalPostgres(int port) {
    this.port = port;
  }

  /** The shared server, started on first use. */
  public static synchronized LocalPostgres get() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  /** A JDBC URL (user in it) of a new, empty database. */
  public String newDatabase() {
    String name = "berth_test_" + databases.incrementAndGet();
    try (var c = DriverManager.getConnection(url("postgres"));
        var st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return url(name);
  }

  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
  }

  private static LocalPostgres start() {
    Optional<Path> bin = findBinaries();
    if (bin.isEmpty()) {
      String why = "PostgreSQL is not installed (apt-get install postgresql)";
      if (System.getenv("CI") != null) {
        Assertions.fail(why + "; CI must run the PostgreSQL registry tests");
      }
      Assumptions.abort(why);
    }
    try {
      Path dir = Files.createTempDirectory("berth-pg-");
      Path data = dir.resolve("data");
      boolean root = "root".equals(System.getProperty("user.name"));
      if (root) {
        // initdb and postgres refuse to run as root: hand the directory to the postgres user.
        run(List.of("chown", "postgres", dir.toString()), false);
      }
      run(
          List.of(
              bin.get().resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-A",
              "trust",
              "-U",
              USER,
              "-E",
              "UTF8",
              "--no-sync"),
          root);
      int port;
      try (var s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      run(
          List.of(
              bin.get().resolve("pg_ctl").toString(),
              "-D",
              data.toString(),
              "-l",
              dir.resolve("server.log").toString(),
              "-w",
              "-o",
              "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
              "start"),
          root);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      run(
                          List.of(
                              bin.get().resolve("pg_ctl").toString(),
                              "-D",
                              data.toString(),
                              "-m",
                              "immediate",
                              "stop"),
                          root);
                      deleteTree(dir);
                    } catch (IOException | RuntimeException e) {
                      // best effort at JVM exit
                    }
                  }));
      return new LocalPostgres(port);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a private PostgreSQL", e);
    }
  }

  private static Optional<Path> findBinaries() {
    Path base = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(base)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(base)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(b -> versionOf(b.getParent())));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int versionOf(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void run(List<String> argv, boolean asPostgres) throws IOException {
    List<String> command = new ArrayList<>();
    if (asPostgres) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.addAll(argv);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
