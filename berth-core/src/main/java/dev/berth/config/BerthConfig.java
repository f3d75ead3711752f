package dev.berth.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Berth's whole configuration, immutable and validated at start-up by {@link ConfigLoader}. Every
 * field is documented with its key in the README's configuration reference.
 *
 * @param home the data directory: registry, tokens, local workspaces
 * @param host the address the server binds; 127.0.0.1 unless you mean to expose Berth
 * @param port the server's port
 * @param backend {@code auto} (the backend of the highest priority that applies here: Docker when
 *     an engine answers, else local), a backend kind ({@code local}, {@code docker}, {@code
 *     kubernetes}) or the name of a named backend
 * @param templatesDir where templates are loaded from
 * @param prefix the first part of every resource name Berth makes
 * @param maxFileBytes the largest single file read or written through the API
 * @param maxRequestBytes the largest request body (archives included)
 * @param maxMcpRequestBytes the largest body of a request to {@code /mcp} (a tool call carries a
 *     whole file's text for {@code session_write_file}); refused with 413 before it is read
 * @param execTimeout the default exec timeout
 * @param execMaxTimeout the largest exec timeout a caller may ask for
 * @param execMaxOutputBytes how much of each of stdout and stderr an exec returns
 * @param stopGrace how long a stop waits for processes to exit before killing them
 * @param orphanGrace how old a Berth-labelled resource without a live session must be before {@code
 *     berth gc} (and the reconciler) remove it
 * @param registry {@code sqlite} (the file {@code berth.db} in the data directory) or a {@code
 *     jdbc:postgresql://} URL
 * @param backends named backends besides {@code local} (empty: {@code local}, plus the backend
 *     {@code backend} names or {@code auto} picks)
 * @param registryPassword the PostgreSQL password, if not in the URL (set it by environment: {@code
 *     BERTH_REGISTRY_PASSWORD})
 * @param sharedFiles a folder mounted read-only into every container session (when it exists)
 * @param sharedFilesMount where sessions see {@code sharedFiles}
 * @param backendSettings each backend kind's top-level keys ({@code dockerHost}, {@code
 *     kubernetesNamespace}, ...) by kind, checked but unparsed: the kind's module parses them
 * @param reconcileInterval how often the reconciler passes over every session (it also acts at once
 *     on runtime events)
 * @param publicUrl the address browsers use for Berth ({@code https://berth.example.org}), without
 *     a trailing slash; empty: not set (links use the address of each request). An https address
 *     marks Berth's cookies Secure and tells apps they are reached over https
 * @param appsDomain the DNS domain whose subdomains serve sessions' apps ({@code
 *     <id>.<appsDomain>}), each on its own browser origin; empty: apps are served on Berth's own
 *     origin
 * @param trustedProxies the reverse proxies whose {@code X-Forwarded-*} headers Berth believes
 *     (their addresses or ranges); empty: nobody's, every client's are replaced
 * @param mcpSessionIdleTimeout an MCP session unused this long is ended (within one more such time)
 * @param mcpMaxSessionsPerToken the live MCP sessions one token may hold; initialize beyond is 429
 */
public record BerthConfig(
    Path home,
    String host,
    int port,
    String backend,
    Path templatesDir,
    String prefix,
    long maxFileBytes,
    long maxRequestBytes,
    long maxMcpRequestBytes,
    Duration execTimeout,
    Duration execMaxTimeout,
    int execMaxOutputBytes,
    Duration stopGrace,
    Duration orphanGrace,
    String registry,
    String registryPassword,
    java.util.List<BackendSpec> backends,
    Path sharedFiles,
    String sharedFilesMount,
    java.util.Map<String, BackendSettings> backendSettings,
    Duration reconcileInterval,
    String publicUrl,
    String appsDomain,
    TrustedProxies trustedProxies,
    Duration mcpSessionIdleTimeout,
    int mcpMaxSessionsPerToken) {

  public BerthConfig {
    backends = java.util.List.copyOf(backends);
    backendSettings = java.util.Map.copyOf(backendSettings);
  }

  /** The top-level settings of backend kind {@code kind}, as the loader handed them over. */
  public BackendSettings backendSettings(String kind) {
    BackendSettings settings = backendSettings.get(kind);
    if (settings == null) {
      throw new IllegalStateException(
          "the configuration was loaded without backend kind '" + kind + "'");
    }
    return settings;
  }

  @Override
  public String toString() {
    // Keeps the password out of logs and error messages.
    return "BerthConfig[home=" + home + ", port=" + port + ", backend=" + backend + "]";
  }

  public Path registryFile() {
    return home.resolve("berth.db");
  }

  /** Temporary files of this run, under the data directory (see {@link DataDirectory}). */
  public Path tmpDir() {
    return DataDirectory.tmpDir(home);
  }

  public Path adminTokenFile() {
    return home.resolve("admin.token");
  }

  public String baseUrl() {
    String shownHost = host.equals("0.0.0.0") ? "127.0.0.1" : host;
    return "http://" + shownHost + ":" + port;
  }
}
