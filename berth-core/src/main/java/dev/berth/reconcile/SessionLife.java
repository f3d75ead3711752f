package dev.berth.reconcile;

import dev.berth.service.SessionService;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;
import dev.berth.session.SessionActivity;
import dev.berth.session.SessionStatus;
import dev.berth.template.CullAction;
import dev.berth.template.Template;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Why a session is still alive and when it will be culled, for people ({@code explanation}: "active
 * 2 min ago via proxy; stopped if idle for 30 min (at 2026-...Z, in 28 min)") and for programs (the
 * other fields). The same rules as {@link Decide}, so what it says is what the reconciler does.
 *
 * @param lastActivityAt the last use (API, MCP, exec, files, proxy), or creation when never used
 * @param lastActivityVia what that use was; empty when never used
 * @param idleTimeout zero when the session is never culled for idleness
 * @param idleCullAt when it will be culled for idleness if nobody uses it (only while RUNNING)
 * @param maxLifetime zero when the session may live forever
 * @param lifetimeEndsAt when its max lifetime ends
 * @param action what a cull does: stop or delete
 * @param restarts restarts in a row so far
 * @param nextRestartAt when a FAILED session will be restarted, if it will be; for a delete that
 *     could not finish, when it is tried again
 */
public record SessionLife(
    Instant lastActivityAt,
    String lastActivityVia,
    Duration idleTimeout,
    Optional<Instant> idleCullAt,
    Duration maxLifetime,
    Optional<Instant> lifetimeEndsAt,
    CullAction action,
    int restarts,
    Optional<Instant> nextRestartAt,
    String explanation) {

  /** The session's life as of now. */
  public static SessionLife of(SessionService sessions, Session s) {
    return of(
        s, sessions.templateOrBuiltin(s), sessions.lastActivity(s), sessions.clock().instant());
  }

  static SessionLife of(Session s, Template t, SessionActivity activity, Instant now) {
    CullSchedule cull = CullSchedule.of(s, t, activity);
    Duration idle = cull.idleTimeout();
    Duration max = cull.maxLifetime();
    CullAction action = cull.action();
    Optional<Instant> idleAt = cull.idleAt();
    Optional<Instant> endsAt = cull.endsAt();

    List<String> parts = new ArrayList<>();
    boolean deleting =
        s.lifecycle().desired() == DesiredState.DELETED && s.status() != SessionStatus.DELETED;
    if (deleting) {
      // A delete that could not finish: what it waits for comes first, and when it tries again.
      parts.add(
          "being deleted"
              + (s.statusReason().isEmpty() ? "" : ", waiting: " + s.statusReason())
              + "; next attempt "
              + s.lifecycle()
                  .nextRestartAt()
                  .map(at -> "at " + at + " (" + until(at, now) + ")")
                  .orElse("at the reconciler's next pass"));
    }
    if (!deleting && s.status() == SessionStatus.RUNNING && !s.statusReason().isEmpty()) {
      // One of its containers is down (see ContainerRestarts): that comes first.
      parts.add("running, but " + s.statusReason());
    }
    parts.add(
        activity.via().isEmpty()
            ? "not used since it was created " + ago(s.createdAt(), now)
            : "active " + ago(activity.at(), now) + " via " + activity.via());
    String verb = action == CullAction.DELETE ? "deleted" : "stopped";
    if (idleAt.isPresent()) {
      parts.add(
          verb
              + " if idle for "
              + Durations.words(idle)
              + " (at "
              + idleAt.get()
              + ", "
              + until(idleAt.get(), now)
              + ", unless used)");
    } else if (idle.isZero()) {
      parts.add("no idle timeout");
    }
    if (endsAt.isPresent()) {
      parts.add(
          (action == CullAction.DELETE ? "deleted" : "stopped")
              + " at its max lifetime of "
              + Durations.words(max)
              + " (at "
              + endsAt.get()
              + ", "
              + until(endsAt.get(), now)
              + ")");
    } else {
      parts.add("no max lifetime");
    }
    s.lifecycle()
        .nextRestartAt()
        .filter(at -> !deleting)
        .ifPresent(
            at -> parts.add("restart " + (s.lifecycle().restarts() + 1) + " " + until(at, now)));
    return new SessionLife(
        activity.at(),
        activity.via(),
        idle,
        idleAt,
        max,
        endsAt,
        action,
        s.lifecycle().restarts(),
        s.lifecycle().nextRestartAt(),
        String.join("; ", parts));
  }

  private static String ago(Instant then, Instant now) {
    Duration d = Duration.between(then, now);
    return d.toSeconds() < 1 ? "just now" : Durations.words(d) + " ago";
  }

  private static String until(Instant then, Instant now) {
    Duration d = Duration.between(now, then);
    return d.isNegative() || d.isZero() ? "due now" : "in " + Durations.words(d);
  }
}
