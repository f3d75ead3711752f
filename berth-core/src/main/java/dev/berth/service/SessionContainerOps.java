package dev.berth.service;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.runtime.Abilities;
import dev.berth.runtime.Ability;
import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.LogSink;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.runtime.SessionRuntime;
import dev.berth.service.steps.SessionSteps;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import dev.berth.template.SessionContainer;
import dev.berth.template.Template;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.BiFunction;

/**
 * A session's containers, one by one (a template's {@code containers:} beside the main one): list
 * them with what each does, start or stop one alone, read one's log. On a backend without {@link
 * Ability#CONTAINERS} a session has its main container only, listed from the session's own state.
 * Starting and stopping take the session's lifecycle lock, like a start or stop of the session.
 */
public final class SessionContainerOps {
  private final SessionSteps steps;

  SessionContainerOps(SessionSteps steps) {
    this.steps = steps;
  }

  /** Each of the session's containers, the main one ({@code session}) first. */
  public List<ContainerStatus> list(SessionId id) {
    // Shared: a start, stop or delete of the session does not change its containers under it.
    return steps
        .locks()
        .shared(
            id,
            () -> {
              Session s = steps.require(id);
              SessionRuntime runtime = steps.runtimeOf(s);
              if (!runtime.abilities().contains(Ability.CONTAINERS)) {
                return List.of(mainOnly(s));
              }
              return runtime.containers(steps.runtimeSession(s, steps.templateOf(s)));
            });
  }

  /** The main container as the session's status says, where the backend lists none itself. */
  private static ContainerStatus mainOnly(Session s) {
    boolean running = s.status() == SessionStatus.RUNNING;
    return new ContainerStatus(
        SessionContainer.MAIN,
        s.id().value(),
        running ? ContainerStatus.Phase.RUNNING : ContainerStatus.Phase.STOPPED,
        OptionalInt.empty(),
        s.status().name().toLowerCase(java.util.Locale.ROOT),
        Map.of(),
        Map.of());
  }

  /** Starts one extra container of a RUNNING session (a {@code manual} one, or one that ended). */
  public List<ContainerStatus> start(SessionId id, String type) {
    return alone(id, type, "start", (runtime, rs) -> runtime.startContainer(rs, type));
  }

  /** Stops one extra container of a RUNNING session; the others and the main one keep running. */
  public List<ContainerStatus> stop(SessionId id, String type) {
    return alone(
        id, type, "stop", (runtime, rs) -> runtime.stopContainer(rs, type, steps.stopGrace()));
  }

  /** The last {@code lines} lines of one container's output. */
  public String logTail(SessionId id, String type, int lines) {
    return steps
        .locks()
        .shared(
            id,
            () -> {
              Session s = steps.require(id);
              Template t = steps.templateOf(s);
              requireDeclared(s, t, type);
              return steps.runtimeOf(s).logTail(steps.runtimeSession(s, t), type, lines);
            });
  }

  /**
   * Follows one container's output ({@code session}: the app's): the last {@code lines} lines, then
   * what it writes, to {@code sink} until the handle is closed or the log ends. Refused with {@code
   * UNSUPPORTED} on a backend without {@link Ability#LOG_FOLLOW}. The follow holds no lock: a stop
   * ends it (the container's log ends), it never holds the stop back.
   */
  public AutoCloseable followLog(SessionId id, String type, int lines, LogSink sink) {
    return steps
        .locks()
        .shared(
            id,
            () -> {
              Session s = steps.require(id);
              Template t = steps.templateOf(s);
              requireDeclared(s, t, type);
              SessionRuntime runtime = steps.runtimeOf(s);
              Abilities.require(
                  runtime, Ability.LOG_FOLLOW, "follow the log of session '" + id + "'");
              return runtime.followLog(steps.runtimeSession(s, t), type, lines, sink);
            });
  }

  private List<ContainerStatus> alone(
      SessionId id,
      String type,
      String verb,
      BiFunction<SessionRuntime, RuntimeSession, RuntimeState> work) {
    return steps
        .locks()
        .exclusive(
            id,
            () -> {
              Session s = steps.require(id);
              Template t = steps.templateOf(s);
              if (SessionContainer.MAIN.equals(type)) {
                throw BerthException.badRequest(
                    "the main container '"
                        + type
                        + "' starts and stops with its session: use the session's own start or"
                        + " stop");
              }
              requireDeclared(s, t, type);
              if (s.status() != SessionStatus.RUNNING) {
                throw BerthException.conflict(
                    "session '"
                        + id
                        + "' is "
                        + s.status()
                        + "; "
                        + verb
                        + " its container '"
                        + type
                        + "' once the session is RUNNING");
              }
              SessionRuntime runtime = steps.runtimeOf(s);
              var rs = steps.runtimeSession(s, t);
              RuntimeState after = work.apply(runtime, rs);
              Session saved = steps.save(s.withRuntimeState(after, steps.clock().instant()));
              steps.event(id, "container", verb + " of container '" + type + "' asked for");
              return runtime.containers(steps.runtimeSession(saved, t));
            });
  }

  /**
   * Where port {@code port} of extra container {@code type} answers now, for the proxy: empty when
   * it is not running or does not serve it. Asks the runtime each time (a container restarted alone
   * may get a new address, and the registry keeps only the main app's endpoints).
   */
  public java.util.Optional<String> endpoint(SessionId id, String type, int port) {
    Session s = steps.require(id);
    SessionRuntime runtime = steps.runtimeOf(s);
    if (!runtime.abilities().contains(Ability.CONTAINERS)) {
      return java.util.Optional.empty();
    }
    return runtime.containers(steps.runtimeSession(s, steps.templateOf(s))).stream()
        .filter(c -> c.type().equals(type) && c.running())
        .map(c -> c.endpoints().get(port))
        .filter(java.util.Objects::nonNull)
        .map(java.net.URI::toString)
        .findFirst();
  }

  /** NOT_FOUND naming the types there are, unless {@code type} is one of them. */
  static void requireDeclared(Session s, Template t, String type) {
    if (SessionContainer.MAIN.equals(type) || t.containers().get(type).isPresent()) {
      return;
    }
    throw BerthException.notFound(
        "session '"
            + s.id()
            + "' has no container '"
            + type
            + "'; its containers: "
            + SessionContainer.MAIN
            + (t.containers().isEmpty() ? "" : ", " + String.join(", ", t.containers().types())));
  }
}
