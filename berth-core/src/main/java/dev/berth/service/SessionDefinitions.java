package dev.berth.service;

import dev.berth.base.SessionId;
import dev.berth.service.steps.SessionSteps;
import dev.berth.session.Session;
import dev.berth.session.SessionDefinition;
import java.util.Map;

/**
 * Which template definition each session runs and whether that is its template as it is now (see
 * {@link SessionDefinition}): what the session views show. Reads the fingerprint a start recorded
 * in the registry and compares it with the current template's; asks no backend.
 */
public final class SessionDefinitions {
  private final SessionSteps steps;

  SessionDefinitions(SessionSteps steps) {
    this.steps = steps;
  }

  /** The session's definition, with one registry read. */
  public SessionDefinition of(Session s) {
    return of(s, steps.registry().sessions().definition(s.id()));
  }

  /** As above, with the recorded fingerprint at hand (from {@link #recorded()}). */
  public SessionDefinition of(Session s, String recorded) {
    return SessionDefinition.of(s, recorded, steps.templates().find(s.template()));
  }

  /** The recorded fingerprint of every live session that has one, in one read (for listings). */
  public Map<SessionId, String> recorded() {
    return steps.registry().sessions().definitions();
  }
}
