package dev.berth.session;

import dev.berth.template.Template;
import dev.berth.template.TemplateDefinition;
import java.util.Optional;

/**
 * Which definition a session runs (see {@link TemplateDefinition}) and whether that is its template
 * as it is now: what {@code berth session show} and the API's session view say.
 *
 * @param template the template's name
 * @param recorded the fingerprint the session was last made or started from; empty when none was
 *     recorded (a session an older Berth made)
 * @param current the fingerprint of the template as it is now; empty when the template is not
 *     loaded (removed, or it does not load)
 * @param state how the two compare
 */
public record SessionDefinition(
    String template, String recorded, Optional<String> current, State state) {

  /** How the recorded definition compares with the template's current one. */
  public enum State {
    /** The session runs its template as it is now. */
    CURRENT,
    /** The template changed since the session was started: its next start applies the change. */
    OUTDATED,
    /** No definition was recorded for the session (an older Berth made it). */
    UNKNOWN,
    /** The template is not loaded: removed, or it has an error (see the templates' problems). */
    TEMPLATE_NOT_LOADED
  }

  /**
   * Compares what session {@code s} recorded with its template as it is now, or as it was last
   * loaded ({@code loaded} empty: not loaded).
   */
  public static SessionDefinition of(Session s, String recorded, Optional<Template> loaded) {
    Optional<String> current =
        loaded.map(t -> TemplateDefinition.fingerprint(t.forRuntime(s.id(), s.handle())));
    State state;
    if (current.isEmpty()) {
      state = State.TEMPLATE_NOT_LOADED;
    } else if (recorded.isEmpty()) {
      state = State.UNKNOWN;
    } else {
      state = recorded.equals(current.get()) ? State.CURRENT : State.OUTDATED;
    }
    return new SessionDefinition(s.template(), recorded, current, state);
  }

  public boolean outdated() {
    return state == State.OUTDATED;
  }

  /** One line for people. */
  public String explanation() {
    String runs = recorded.isEmpty() ? "" : TemplateDefinition.shortForm(recorded);
    return switch (state) {
      case CURRENT -> "runs template '" + template + "' as it is now (definition " + runs + ")";
      case OUTDATED ->
          "outdated: runs definition "
              + runs
              + " of template '"
              + template
              + "', which is now "
              + TemplateDefinition.shortForm(current.orElseThrow())
              + "; its next start applies the template as it is now (stop and start it)";
      case UNKNOWN ->
          "not recorded (made by an older Berth); its next start applies template '"
              + template
              + "' as it is now and records it";
      case TEMPLATE_NOT_LOADED ->
          "template '"
              + template
              + "' is not loaded (removed, or it has an error: see 'berth templates ls' and"
              + " 'berth templates check')"
              + (runs.isEmpty() ? "" : "; runs definition " + runs);
    };
  }
}
