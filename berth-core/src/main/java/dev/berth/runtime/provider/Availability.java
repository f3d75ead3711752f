package dev.berth.runtime.provider;

/**
 * Whether a backend kind can run sessions on this machine, as {@code berth doctor} reports it.
 *
 * @param applies true when {@code backend: auto} could choose it now
 * @param reason why, in words a user can act on ({@code not available: no Docker engine socket at
 *     /var/run/docker.sock (install docker.io and start dockerd, or set DOCKER_HOST)})
 */
public record Availability(boolean applies, String reason) {}
