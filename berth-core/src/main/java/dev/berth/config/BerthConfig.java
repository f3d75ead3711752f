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
 * @param backend {@code auto} (Docker when an engine answers, else local), {@code local}, {@code
 *     docker} or {@code kubernetes}
 * @param templatesDir where templates are loaded from
 * @param prefix the first part of every resource name Berth makes
 * @param dockerHost the Docker engine to use ({@code unix://...} or {@code tcp://...}); empty:
 *     {@code DOCKER_HOST} or the default socket
 * @param dockerNetworks how Docker sessions are kept apart: {@code shared} (one network with
 *     traffic between containers disabled) or {@code per-session} (a network each)
 * @param maxFileBytes the largest single file read or written through the API
 * @param maxRequestBytes the largest request body (archives included)
 * @param execTimeout the default exec timeout
 * @param execMaxTimeout the largest exec timeout a caller may ask for
 * @param execMaxOutputBytes how much of each of stdout and stderr an exec returns
 * @param stopGrace how long a stop waits for processes to exit before killing them
 * @param orphanGrace how old a Berth-labelled resource without a live session must be before {@code
 *     berth gc} (and the reconciler) remove it
 * @param registry {@code sqlite} (the file {@code berth.db} in the data directory) or a {@code
 *     jdbc:postgresql://} URL
 * @param backends named backends besides {@code local} (empty: {@code local}, plus {@code docker}
 *     when {@code backend} is {@code auto} or {@code docker}, as before)
 * @param registryPassword the PostgreSQL password, if not in the URL (set it by environment: {@code
 *     BERTH_REGISTRY_PASSWORD})
 * @param sharedFiles a folder mounted read-only into every container session (when it exists)
 * @param sharedFilesMount where sessions see {@code sharedFiles}
 * @param kubernetes the Kubernetes backend's settings
 * @param reconcileInterval how often the reconciler passes over every session (it also acts at once
 *     on runtime events)
 * @param publicUrl the address browsers use for Berth ({@code https://berth.example.org}), without
 *     a trailing slash; empty: not set (links use the address of each request). An https address
 *     marks Berth's cookies Secure and tells apps they are reached over https
 * @param appsDomain the DNS domain whose subdomains serve sessions' apps ({@code
 *     <id>.<appsDomain>}), each on its own browser origin; empty: apps are served on Berth's own
 *     origin
 */
public record BerthConfig(
    Path home,
    String host,
    int port,
    String backend,
    Path templatesDir,
    String prefix,
    String dockerHost,
    String dockerNetworks,
    long maxFileBytes,
    long maxRequestBytes,
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
    KubernetesSettings kubernetes,
    Duration reconcileInterval,
    String publicUrl,
    String appsDomain) {

  public BerthConfig {
    backends = java.util.List.copyOf(backends);
  }

  @Override
  public String toString() {
    // Keeps the password out of logs and error messages.
    return "BerthConfig[home=" + home + ", port=" + port + ", backend=" + backend + "]";
  }

  public Path registryFile() {
    return home.resolve("berth.db");
  }

  public Path adminTokenFile() {
    return home.resolve("admin.token");
  }

  public Path localSessionsDir() {
    return home.resolve("sessions");
  }

  public String baseUrl() {
    String shownHost = host.equals("0.0.0.0") ? "127.0.0.1" : host;
    return "http://" + shownHost + ":" + port;
  }
}
