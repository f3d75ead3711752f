package dev.berth.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The lifecycle contract a backend (local processes, Docker, Kubernetes) implements. Everything
 * above it — registry, reconciler, edges — is the same for every backend. Work inside a session
 * (files, archives, exec) is behind {@link WorkspaceAccess}, obtained with {@link #workspace};
 * optional abilities are a set ({@link #abilities()}) that callers check with {@link
 * Abilities#require}; building images is {@link #images()}.
 *
 * <h2>Lifecycle contract</h2>
 *
 * <ol>
 *   <li>{@link #prepare} makes the session's workspace (directory, volume, PVC) and seeds it from
 *       the template's project skeleton; nothing runs yet. It returns the runtime's state (every
 *       name it generated), which the caller persists before anything else happens.
 *   <li>{@link #start} runs the session's app (if the template has one) and returns once the
 *       runtime has launched it, with the state, endpoints and image in one {@link StartResult};
 *       readiness probing is the caller's job (against {@link ObservedState.Running#probeAddresses}
 *       from {@link #inspect}). Starting a running session changes no state. A start whose app
 *       never gets ready is stopped by the caller with {@link #stop}, which must then end whatever
 *       the start launched.
 *   <li>{@link #stop} ends every process of the session and keeps the workspace. Stopping a stopped
 *       session is a no-op.
 *   <li>{@link #destroy} removes everything the session owns, found by the persisted state
 *       <em>and</em> by the session's labels, and reports each resource removed or not removed. It
 *       is idempotent: calling it again removes what is left and reports nothing for what was
 *       already gone. It never touches resources of other sessions or anything Berth did not make.
 * </ol>
 *
 * <h2>Handles and binding</h2>
 *
 * A runtime names and labels every resource from {@link RuntimeSession#handle()}, never from the
 * session id. For a normal session the handle is the session id's value, so names and labels are
 * exactly those derived from the id (e.g. Docker's {@code <prefix>-session-<template>-<id>}).
 *
 * <ul>
 *   <li><b>Labels:</b> the owner label {@value OwnerLabels#SESSION} carries the handle (for a
 *       normal session: its id, as always); {@link OwnedResource#handle()} and {@link
 *       RuntimeEvent#handle()} report it back.
 *   <li><b>Binding:</b> a workspace prepared under a handle before its session exists (a warm-pool
 *       member) is bound to a session by recording the handle with the session in the registry
 *       (registry maps session to handle). Nothing is renamed or relabelled (Docker cannot relabel
 *       a resource): the resources keep their handle's names, and every later call for the session
 *       carries that handle and the persisted state. What the app saw at creation (its {@code
 *       BERTH_SESSION_ID}) is the id the runtime was given then.
 *   <li><b>Cleanup by session id</b> goes through the handle: the caller looks the handle up in the
 *       registry and calls {@link #destroy} or {@link #listOwned(String)} with it. An owned
 *       resource whose handle no registry entry knows is an orphan.
 * </ul>
 *
 * <h2>After a manager restart</h2>
 *
 * A runtime keeps no session state in memory that it cannot rebuild: every call receives the
 * persisted {@link RuntimeState}, and a fresh runtime instance must {@link #inspect}, stop, and
 * destroy sessions started by an earlier process. {@link #listOwned()} finds resources whose
 * registry entry was lost (orphans). A state whose version is newer than the runtime understands is
 * refused ({@link RuntimeStates#requireUnderstood}), never guessed at.
 *
 * <h2>Thread-safety</h2>
 *
 * Implementations are thread-safe across sessions. The caller serializes lifecycle calls for one
 * session; workspace calls for one session may run concurrently with each other.
 *
 * <h2>Errors</h2>
 *
 * Bad input is a {@link dev.berth.base.BerthException} with a code that says so; a backend failure
 * is {@code RUNTIME_FAILURE} with the backend's reason; an ability not in {@link #abilities()} is
 * {@code UNSUPPORTED} ({@link Abilities#unsupported}).
 */
public interface SessionRuntime extends AutoCloseable {

  /** The backend's kind, e.g. {@code local} or {@code docker}; it names the backend in messages. */
  String kind();

  /** What this runtime can do beyond the core contract; fixed for the runtime's lifetime. */
  Set<Ability> abilities();

  /**
   * What would keep a new session ({@code session} not prepared yet: its state is empty) from being
   * made or started here, as far as the backend can tell before anything exists: called by create
   * before it records the session, so a user's mistake (an image not built or not on the engine, a
   * template this backend cannot run) is refused with a message and leaves nothing behind.
   *
   * <p>Looks and never changes anything: no image is built or pulled, no resource is made, and
   * nothing is remembered. Returns every problem found, empty when there is none; what the backend
   * cannot know before a start (whether a cluster's nodes can pull an image, whether the app will
   * listen) is not reported, and the start reveals it (the session is then FAILED). An engine that
   * does not answer is {@code RUNTIME_FAILURE}, not a problem in the list. The default finds
   * nothing: for backends (and test doubles) with nothing to check.
   */
  default List<PreflightProblem> preflight(RuntimeSession session) {
    return List.of();
  }

  /**
   * Creates and seeds the session's workspace without running anything, named from the session's
   * handle. Idempotent: preparing a prepared session returns its state unchanged, and a skeleton
   * never overwrites existing files.
   *
   * @return the state to persist (every generated name)
   */
  RuntimeState prepare(RuntimeSession session);

  /**
   * Launches the session's app, if its template has one, on the prepared workspace; a lost
   * container or pod is made again on the same workspace, a missing workspace is {@code CONFLICT}.
   * Starting a running session returns its state unchanged, with its current endpoints. A
   * template's extra containers ({@link Ability#CONTAINERS}) start after the main one in start
   * order, each once what it waits for with {@code after} holds ({@code ready}: the dependency's
   * probe passes; {@code done}: it ended with code 0), within {@link
   * dev.berth.template.AppSettings#startTimeout} from the call; a dependency that lets its
   * dependent down is a {@code RUNTIME_FAILURE} naming it, and the caller stops what was started.
   *
   * @return the state to persist, the endpoints of the declared ports and the image id
   */
  StartResult start(RuntimeSession session);

  /**
   * Ends all of the session's processes, waiting up to {@code grace} for them to exit before
   * killing them. Keeps the workspace. A stopped session is inspected as {@link
   * ObservedState.Prepared} afterwards.
   *
   * @return the updated state to persist
   */
  RuntimeState stop(RuntimeSession session, Duration grace);

  /**
   * Removes everything the session's handle owns; see the class comment. Never throws for one
   * resource: each one removed or not removed is in the report.
   */
  CleanupReport destroy(RuntimeSession session);

  /**
   * What the session looks like now. Never null and never throws: {@link ObservedState.Unknown} on
   * doubt. A session whose app does not run is {@link ObservedState.Exited} when it was started and
   * not stopped since, else {@link ObservedState.Prepared} ({@link RuntimeStates#notRunning}). A
   * running session's {@link ObservedState.Running} carries both where users reach its ports and
   * where the app itself listens (its probe addresses): the latter must refuse a connection until
   * the app accepts, or a probe would call a starting app ready.
   */
  ObservedState inspect(RuntimeSession session);

  /** Every resource this runtime finds with Berth's labels for this Berth instance. */
  List<OwnedResource> listOwned();

  /**
   * The resources of one handle (one session's), as {@link #listOwned()} would report them; a
   * backend with label selectors asks for just those instead of listing everything.
   */
  default List<OwnedResource> listOwned(String handle) {
    return listOwned().stream().filter(r -> handle.equals(r.handle())).toList();
  }

  /** The last {@code lines} lines of the session's app output; empty string when there is none. */
  String logTail(RuntimeSession session, int lines);

  /**
   * Starts delivering {@link RuntimeEvent}s for this Berth instance's sessions to {@code listener}
   * (on a thread of the runtime's choosing; the listener must not block) until the returned handle
   * is closed. A backend that cannot watch returns a no-op handle: the reconciler's periodic pass
   * still finds every change, only later.
   */
  default AutoCloseable watch(Consumer<RuntimeEvent> listener) {
    return () -> {};
  }

  /**
   * Every container of the session with what it does now: the main one (type {@code session})
   * first, then the template's {@code containers:} in start order. For a runtime with {@link
   * Ability#CONTAINERS}; the default (a runtime of one container per session) lists nothing, and
   * callers then go by {@link #inspect} alone. Never throws for the engine: an unanswered question
   * is a {@code RUNTIME_FAILURE}.
   */
  default List<ContainerStatus> containers(RuntimeSession session) {
    return List.of();
  }

  /**
   * Starts one of the session's extra containers (an {@code auto} one that crashed or was stopped,
   * or a {@code manual} one) on its running session, leaving the others alone; starting a running
   * one changes nothing. Only with {@link Ability#CONTAINERS}. A type the template does not declare
   * is {@code NOT_FOUND}; the main container ({@code session}) is started with {@link #start}. The
   * containers it waits for with {@code after: {type: ready}} or {@code done} are started first
   * where they neither run nor are done, and waited for; one that lets it down is a {@code
   * RUNTIME_FAILURE} naming it, and this container is not started. A backend that cannot wait
   * refuses those conditions in {@link #preflight}.
   *
   * @return the state to persist
   */
  default RuntimeState startContainer(RuntimeSession session, String type) {
    throw Abilities.unsupported(kind(), Ability.CONTAINERS, "start container " + type);
  }

  /**
   * Stops one extra container, waiting up to {@code grace}, leaving the others (and the workspace)
   * alone; stopping a stopped one changes nothing. Only with {@link Ability#CONTAINERS}.
   *
   * @return the state to persist
   */
  default RuntimeState stopContainer(RuntimeSession session, String type, Duration grace) {
    throw Abilities.unsupported(kind(), Ability.CONTAINERS, "stop container " + type);
  }

  /**
   * The last {@code lines} lines of one container's output ({@code session}: as {@link #logTail}).
   */
  default String logTail(RuntimeSession session, String type, int lines) {
    if (dev.berth.template.SessionContainer.MAIN.equals(type)) {
      return logTail(session, lines);
    }
    throw Abilities.unsupported(kind(), Ability.CONTAINERS, "read the log of container " + type);
  }

  /**
   * Follows one container's output ({@code session}: the app's): its last {@code lines} lines, then
   * whatever it writes from then on, to {@code sink}, until the returned handle is closed or the
   * log ends ({@link LogSink#end}: the container stopped or went away). Only with {@link
   * Ability#LOG_FOLLOW}. A type the template does not declare is {@code NOT_FOUND}; a container
   * that does not exist is a log that ends at once (after what it kept, if anything). Closing the
   * handle stops the follow and frees what it holds (a connection to the engine, a thread); after
   * it returns the sink is not called again.
   */
  default AutoCloseable followLog(RuntimeSession session, String type, int lines, LogSink sink) {
    throw Abilities.unsupported(
        kind(), Ability.LOG_FOLLOW, "follow the log of container '" + type + "'");
  }

  /**
   * Exec and files in one container of the session ({@code session}: as {@link #workspace}); the
   * workspace volume is the same, seen at that container's mount (its sub-path, maybe read-only).
   */
  default WorkspaceAccess workspace(RuntimeSession session, String type) {
    if (dev.berth.template.SessionContainer.MAIN.equals(type)) {
      return workspace(session);
    }
    throw Abilities.unsupported(kind(), Ability.CONTAINERS, "exec in container " + type);
  }

  /** Files, archives and exec in the session's workspace; asks the backend nothing yet. */
  WorkspaceAccess workspace(RuntimeSession session);

  /**
   * Building images and moving sessions onto new ones, for a runtime with {@link
   * Ability#IMAGE_BUILDS}; any other fails with {@code UNSUPPORTED}. Check with {@link
   * Abilities#require} first.
   */
  default RuntimeImages images() {
    throw Abilities.unsupported(kind(), Ability.IMAGE_BUILDS, "");
  }

  /**
   * Why a session token must not act on this backend's sessions, in a sentence that says how to
   * allow it; empty (the default) when it may. A backend whose sessions can read Berth's own files
   * (local: a shell as Berth's user reaches {@code admin.token}) cannot keep a session token to its
   * session, so the service issues none for its sessions and the edges refuse the ones there are
   * (403), unless the installation opted in.
   */
  default java.util.Optional<String> sessionTokenRefusal() {
    return java.util.Optional.empty();
  }

  /**
   * The read-only template volumes this backend makes for templates with {@code templateVolume}
   * ({@link TemplateVolumeStore}); empty (the default) for a backend that makes none: it refuses
   * such templates in {@link #preflight} instead.
   */
  default java.util.Optional<TemplateVolumeStore> templateVolumes() {
    return java.util.Optional.empty();
  }

  /** Releases connections; does not stop sessions (they outlive the manager). */
  @Override
  default void close() {}
}
