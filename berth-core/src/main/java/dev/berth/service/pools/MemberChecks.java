package dev.berth.service.pools;

import dev.berth.registry.PoolMemberRecord;
import dev.berth.runtime.Ability;
import dev.berth.runtime.Backends;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.SessionRuntime;
import dev.berth.template.Template;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One fill pass's verdict on each member it is not making: why it must go, or that it stays. What
 * cannot be seen (the engine does not answer) removes nothing, as everywhere in the reconciler. The
 * image a template's new sessions would run is asked once per reference and pass.
 */
final class MemberChecks {
  private final Backends backends;
  private final Function<Template, String> backendOf;
  private final Map<String, Optional<String>> images = new HashMap<>(); // reference -> image id

  MemberChecks(Backends backends, Function<Template, String> backendOf) {
    this.backends = backends;
    this.backendOf = backendOf;
  }

  /** Why {@code m} must go ({@code t}: its template if it still has a pool); empty: it stays. */
  Optional<String> whyRemove(PoolMemberRecord m, Template t) {
    if (t == null) {
      return Optional.of("template '" + m.template() + "' has no pool any more");
    }
    if (!m.backend().equals(backendOf.apply(t))) {
      return Optional.of("the pool of '" + t.name() + "' is on another backend now");
    }
    if (!m.definition().equals(PoolMembers.definition(t))) {
      return Optional.of("template '" + t.name() + "' changed");
    }
    if (m.state() == PoolMemberRecord.State.STARTING) {
      return Optional.of("left half-made by a manager that stopped");
    }
    SessionRuntime runtime = backends.get(m.backend());
    Optional<String> image = currentImage(t, runtime);
    if (image.isPresent() && !m.imageId().isEmpty() && !image.get().equals(m.imageId())) {
      return Optional.of("template '" + t.name() + "' has a new image");
    }
    ObservedState seen =
        runtime.inspect(PoolMembers.runtimeSession(m.handle(), t, m.runtimeState()));
    return seen instanceof ObservedState.Running || seen instanceof ObservedState.Unknown
        ? Optional.empty()
        : Optional.of(notRunning(seen));
  }

  static String notRunning(ObservedState seen) {
    return "its app does not run (" + seen.getClass().getSimpleName() + ")";
  }

  /**
   * The id of the image a new session of {@code t} would run now, where the backend builds images
   * and the template names one (its reference, or the one its Dockerfile builds): a rebuilt or
   * re-tagged image is no definition change, but members must run what a cold session would. Empty
   * when there is none, or the engine cannot say.
   */
  private Optional<String> currentImage(Template t, SessionRuntime runtime) {
    if (!runtime.abilities().contains(Ability.IMAGE_BUILDS)) {
      return Optional.empty();
    }
    var engine = runtime.images().engine();
    Optional<String> reference =
        t.image()
            .reference()
            .filter(r -> !r.isBlank())
            .or(() -> t.image().build().map(b -> engine.repository(b.owner()) + ":latest"));
    return reference.flatMap(
        r ->
            images.computeIfAbsent(
                r,
                ref -> {
                  try {
                    return engine.inspect(ref).map(i -> i.id()).filter(id -> !id.isEmpty());
                  } catch (RuntimeException cannotTell) {
                    return Optional.empty();
                  }
                }));
  }
}
