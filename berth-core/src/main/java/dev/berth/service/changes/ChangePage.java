package dev.berth.service.changes;

import java.util.List;
import java.util.Optional;

/**
 * What changed in a session's workspace after a cursor.
 *
 * @param changes in the order Berth learned of them, at most the limit asked for
 * @param cursor pass it to the next call: the cursor of the last change here, or the feed's latest
 *     when there is none
 * @param gap true when the cursor given was older than what the feed still holds (or from a feed
 *     that has since ended): changes may have been missed, so re-read what you depend on
 * @param more true when more changes came after these than the limit let through
 * @param watching how changes by the session's own processes are seen: {@code native} (the
 *     backend's file watcher), {@code polling} (a listing every {@link SessionChanges#POLL_EVERY}),
 *     or {@code none: <why>} (then only changes through Berth appear)
 * @param ended why the feed ended (the session was deleted), or empty while it goes on
 */
public record ChangePage(
    List<Change> changes,
    long cursor,
    boolean gap,
    boolean more,
    String watching,
    Optional<String> ended) {}
