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
 * @param backend {@code auto} (Docker when an engine answers, else local), {@code local} or {@code
 *     docker}
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
 * @param reconcileInterval how often the reconciler passes over every session (it also acts at once
 *     on runtime events)
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
    Duration reconcileInterval) {

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
