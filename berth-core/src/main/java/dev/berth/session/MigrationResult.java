package dev.berth.session;

/**
 * A finished migration: the session as it now is on the target backend, and the receipt of the
 * cleanup on the source backend.
 */
public record MigrationResult(Session session, SessionCleanupReceipt sourceCleanup) {}
