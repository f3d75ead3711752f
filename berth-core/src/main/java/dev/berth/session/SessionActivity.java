package dev.berth.session;

import java.time.Instant;

/**
 * The last use of a session.
 *
 * @param via {@code api}, {@code mcp}, {@code proxy}...; empty when it was never used
 */
public record SessionActivity(Instant at, String via) {}
