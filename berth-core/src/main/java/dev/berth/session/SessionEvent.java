package dev.berth.session;

import dev.berth.base.SessionId;
import java.time.Instant;

/**
 * One line of a session's audit trail: every state change, cleanup receipt and notable failure.
 *
 * @param incarnation which of the sessions that have held this id wrote the event: 1 for the first,
 *     2 for the one created after it was deleted, and so on. A session's trail is its incarnation's
 *     events; an earlier incarnation's trail stays readable by the admin.
 * @param type a short machine-readable kind, e.g. {@code status}, {@code cleanup}, {@code error}
 * @param message what happened, for people
 * @param data optional JSON with details (a receipt, a log tail); empty string for none
 */
public record SessionEvent(
    long id,
    SessionId sessionId,
    int incarnation,
    Instant at,
    String type,
    String message,
    String data) {}
