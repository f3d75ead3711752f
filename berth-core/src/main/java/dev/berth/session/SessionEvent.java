package dev.berth.session;

import dev.berth.base.SessionId;
import java.time.Instant;

/**
 * One line of a session's audit trail: every state change, cleanup receipt and notable failure.
 *
 * @param type a short machine-readable kind, e.g. {@code status}, {@code cleanup}, {@code error}
 * @param message what happened, for people
 * @param data optional JSON with details (a receipt, a log tail); empty string for none
 */
public record SessionEvent(
    long id, SessionId sessionId, Instant at, String type, String message, String data) {}
