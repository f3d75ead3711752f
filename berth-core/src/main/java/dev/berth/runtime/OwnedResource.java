package dev.berth.runtime;

import java.time.Instant;
import java.util.Optional;

/**
 * A resource a runtime found carrying Berth's labels, for reconciliation and orphan cleanup.
 *
 * @param kind what it is, e.g. {@code container}, {@code volume}, {@code workspace}
 * @param name the runtime's name for it
 * @param handle the {@code berth.session} label's value: the handle the resource was made under
 *     (for a normal session, its session id; see {@link SessionRuntime}, "Handles and binding")
 * @param template the {@code berth.template} label's value
 * @param instance the {@code berth.instance} label: which Berth installation made it
 * @param createdAt when it was created, if the runtime knows
 */
public record OwnedResource(
    String kind,
    String name,
    String handle,
    String template,
    String instance,
    Optional<Instant> createdAt) {}
