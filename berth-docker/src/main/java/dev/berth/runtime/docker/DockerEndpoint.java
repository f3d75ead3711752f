package dev.berth.runtime.docker;

import java.util.Optional;

/**
 * Where a Docker engine answers and how to trust it, set explicitly (for a named backend) rather
 * than taken from the environment's {@code DOCKER_*} variables.
 *
 * @param host {@code unix:///var/run/docker.sock} or {@code tcp://host:2376}
 * @param tlsVerify whether to use mutual TLS with the certificates in {@code certPath}
 * @param certPath a directory with {@code ca.pem}, {@code cert.pem} and {@code key.pem}
 */
public record DockerEndpoint(String host, boolean tlsVerify, Optional<String> certPath) {
  public DockerEndpoint {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("a Docker host is required, e.g. tcp://10.0.0.7:2376");
    }
    if (tlsVerify && certPath.isEmpty()) {
      throw new IllegalArgumentException(
          "tlsVerify needs certPath: a directory with ca.pem, cert.pem and key.pem");
    }
  }
}
