package dev.berth.runtime.fake;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.Ability;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.OwnedResource;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.StartResult;
import dev.berth.runtime.WorkspaceAccess;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A runtime in memory, for logic tests of the service and the reconciler: no processes, no engine,
 * no real time. Each session's app behaves as the test says ({@link Behaviour}): ready at once,
 * never ready, crashing on start, or slow (its start waits until the test lets it go). A test can
 * also crash a running app, make the next call of a step fail, and count calls. Everything is kept
 * by the session's handle (its id, for the sessions the service makes).
 */
public final class FakeRuntime implements SessionRuntime {
  /** How a session's app behaves when started. */
  public enum Behaviour {
    /** Runs and answers at once. */
    READY,
    /** Runs but never gets past starting (inspect says Pending). */
    NEVER_READY,
    /** Exits with code 1 as soon as it starts. */
    CRASHING,
    /** Its start blocks until {@link #release} (to test what waits for a start). */
    SLOW
  }

  /**
   * @param onItsOwn whether the runtime knows the app ended by itself (see {@link
   *     ObservedState.Exited#onItsOwn})
   */
  private record App(
      boolean running, Behaviour behaviour, OptionalInt exitCode, boolean onItsOwn) {}

  private final String kind;
  private final String instance;
  private final Clock clock;
  private final Map<String, FakeWorkspace> workspaces = new ConcurrentHashMap<>();
  private final Map<String, App> apps = new ConcurrentHashMap<>();
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  private final Map<String, RuntimeException> failNext = new ConcurrentHashMap<>();
  private final Map<String, RuntimeException> failing = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final List<PreflightProblem> preflightProblems =
      java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<SessionId> preflighted =
      java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile Behaviour defaultBehaviour = Behaviour.READY;
  private volatile boolean blind;
  private volatile Duration startTakes = Duration.ZERO;
  private volatile Function<ExecRequest, ExecResult> exec = FakeRuntime::echo;
  private final Set<Ability> abilities =
      java.util.Collections.synchronizedSet(
          EnumSet.of(
              Ability.APP_PROCESSES,
              Ability.PUBLISHED_PORTS,
              Ability.EXEC_STDIN,
              Ability.PROCESSES,
              Ability.TTY));
  private volatile ScriptedWorkspace.Script processScript = FakeRuntime::untilKilled;
  private final Map<String, List<ScriptedProcess>> processes = new ConcurrentHashMap<>();

  public FakeRuntime(String kind, String instance, Clock clock) {
    this.kind = kind;
    this.instance = instance;
    this.clock = clock;
  }

  public FakeRuntime(Clock clock) {
    this("fake", "test", clock);
  }

  // ---- what a test controls ------------------------------------------------------------------

  /** How apps behave unless {@link #behave} says otherwise for one session. */
  public FakeRuntime behaveByDefault(Behaviour b) {
    defaultBehaviour = b;
    return this;
  }

  /**
   * Every start takes this long on a manual clock, as a backend's start that waits for containers
   * another one names in {@code after} does.
   */
  public void startTakes(Duration d) {
    startTakes = d;
  }

  public FakeRuntime behave(SessionId id, Behaviour b) {
    behaviours.put(id.value(), b);
    return this;
  }

  /** Lets a {@link Behaviour#SLOW} start of {@code id} finish. */
  public void release(SessionId id) {
    gate(id.value()).countDown();
  }

  /** True once a start of {@code id} is waiting in the runtime. */
  public boolean starting(SessionId id) {
    return calls("start:" + id.value()) > 0;
  }

  /** The app of a running session exits on its own with {@code code}. */
  public void crash(SessionId id, int code) {
    apps.computeIfPresent(
        id.value(), (k, a) -> new App(false, a.behaviour(), OptionalInt.of(code), true));
  }

  /**
   * The app of a running session is ended from outside and exits with {@code code}, as on an engine
   * restart's SIGTERM: the runtime cannot say it ended on its own.
   */
  public void endFromOutside(SessionId id, int code) {
    apps.computeIfPresent(
        id.value(), (k, a) -> new App(false, a.behaviour(), OptionalInt.of(code), false));
  }

  /** The next call of {@code step} (prepare, start, stop, destroy, inspect) throws {@code e}. */
  public void failNext(String step, RuntimeException e) {
    failNext.put(step, e);
  }

  /** Makes every call of {@code step} fail with {@code e} until {@link #stopFailing}. */
  public void failAlways(String step, RuntimeException e) {
    failing.put(step, e);
  }

  /** Ends {@link #failAlways} for {@code step}. */
  public void stopFailing(String step) {
    failing.remove(step);
  }

  /** What {@link #preflight} finds from now on, for every session (none: it finds nothing). */
  public void preflightFinds(PreflightProblem... problems) {
    synchronized (preflightProblems) {
      preflightProblems.clear();
      preflightProblems.addAll(List.of(problems));
    }
  }

  /** The sessions {@link #preflight} was asked about, in order. */
  public List<SessionId> preflighted() {
    synchronized (preflighted) {
      return List.copyOf(preflighted);
    }
  }

  /** This runtime no longer claims {@code ability} (to test that the service checks it). */
  public FakeRuntime without(Ability ability) {
    abilities.remove(ability);
    return this;
  }

  /**
   * What a started process does; by default it prints its arguments and a newline, then runs until
   * it is killed (or its session stops).
   */
  public void onStart(ScriptedWorkspace.Script script) {
    processScript = script;
  }

  /** The processes started in the session, oldest first. */
  public List<ScriptedProcess> started(SessionId id) {
    return List.copyOf(processes.getOrDefault(id.value(), List.of()));
  }

  private static void untilKilled(ScriptedProcess p, dev.berth.runtime.ProcessSpec spec)
      throws InterruptedException {
    p.print(dev.berth.runtime.ProcessStream.STDOUT, String.join(" ", spec.argv()) + "\n");
    p.exit.join();
  }

  /** Ends the session's started processes, as a stopped container or process tree would. */
  private void endProcesses(String handle) {
    List<ScriptedProcess> ended = processes.remove(handle);
    if (ended != null) {
      ended.forEach(ScriptedProcess::kill);
    }
  }

  /** What exec answers; by default it echoes its arguments with exit code 0. */
  public void onExec(Function<ExecRequest, ExecResult> handler) {
    exec = handler;
  }

  /** How often {@code step} (or {@code step:sessionId}) was called. */
  public int calls(String step) {
    AtomicInteger n = calls.get(step);
    return n == null ? 0 : n.get();
  }

  public boolean hasWorkspace(SessionId id) {
    return workspaces.containsKey(id.value());
  }

  public boolean isRunning(SessionId id) {
    return isRunning(id.value());
  }

  private boolean isRunning(String handle) {
    App a = apps.get(handle);
    return a != null && a.running();
  }

  /** The workspace's files and their text. */
  public Map<String, String> files(SessionId id) {
    return workspace(id.value()).snapshot();
  }

  // ---- the SPI ---------------------------------------------------------------------------------

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public Set<Ability> abilities() {
    synchronized (abilities) {
      return EnumSet.copyOf(abilities);
    }
  }

  @Override
  public List<PreflightProblem> preflight(RuntimeSession s) {
    preflighted.add(s.id());
    synchronized (preflightProblems) {
      return List.copyOf(preflightProblems);
    }
  }

  @Override
  public RuntimeState prepare(RuntimeSession s) {
    step("prepare", s);
    workspaces.computeIfAbsent(s.handle(), k -> new FakeWorkspace(clock.instant()));
    return RuntimeState.of(1, Map.of("workspace", name(s)));
  }

  @Override
  public StartResult start(RuntimeSession s) {
    step("start", s);
    if (clock instanceof dev.berth.base.ManualClock manual) {
      manual.advance(startTakes);
    }
    workspace(s.handle());
    Behaviour b = behaviours.getOrDefault(s.handle(), defaultBehaviour);
    if (b == Behaviour.SLOW) {
      awaitRelease(s.handle());
    }
    apps.put(
        s.handle(),
        b == Behaviour.CRASHING
            ? new App(false, b, OptionalInt.of(1), true)
            : new App(true, b, OptionalInt.empty(), false));
    return new StartResult(
        s.state().with("started", "yes"),
        b == Behaviour.CRASHING ? Map.of() : endpoints(s),
        Optional.of("fake-image"));
  }

  private static Map<Integer, URI> endpoints(RuntimeSession s) {
    Map<Integer, URI> endpoints = new java.util.TreeMap<>();
    for (int port : s.template().app().ports()) {
      endpoints.put(port, URI.create("http://" + name(s) + ".fake:" + port));
    }
    return endpoints;
  }

  @Override
  public RuntimeState stop(RuntimeSession s, Duration grace) {
    step("stop", s);
    apps.remove(s.handle());
    endProcesses(s.handle());
    return s.state().with("started", null);
  }

  @Override
  public CleanupReport destroy(RuntimeSession s) {
    step("destroy", s);
    endProcesses(s.handle());
    var report = new CleanupReport.Builder();
    if (apps.remove(s.handle()) != null) {
      report.removed("process", name(s));
    }
    if (workspaces.remove(s.handle()) != null) {
      report.removed("workspace", name(s));
    }
    return report.build();
  }

  /** While blind, inspect answers Unknown for every session: the engine does not answer. */
  public void blind(boolean notAnswering) {
    blind = notAnswering;
  }

  @Override
  public ObservedState inspect(RuntimeSession s) {
    step("inspect", s);
    if (blind) {
      return new ObservedState.Unknown("the fake engine does not answer");
    }
    if (!workspaces.containsKey(s.handle())) {
      return new ObservedState.Missing("no workspace " + name(s));
    }
    App a = apps.get(s.handle());
    if (a == null) {
      return new ObservedState.Prepared();
    }
    if (!a.running()) {
      return new ObservedState.Exited(a.exitCode(), "the fake app exited", a.onItsOwn());
    }
    if (a.behaviour() == Behaviour.NEVER_READY) {
      return new ObservedState.Pending("the fake app never gets ready");
    }
    return ObservedState.Running.direct(endpoints(s));
  }

  @Override
  public String logTail(RuntimeSession s, int lines) {
    App a = apps.get(s.handle());
    return a == null ? "" : "fake app " + a.behaviour() + "\n";
  }

  @Override
  public List<OwnedResource> listOwned() {
    List<OwnedResource> out = new ArrayList<>();
    workspaces.forEach(
        (id, ws) ->
            out.add(
                new OwnedResource(
                    "workspace", "fake-" + id, id, "", instance, Optional.of(ws.created()))));
    return out;
  }

  @Override
  public WorkspaceAccess workspace(RuntimeSession s) {
    return new FakeWorkspaceAccess(
        () -> workspace(s.handle()),
        request -> {
          step("exec", s);
          if (!isRunning(s.handle())) {
            throw BerthException.conflict("the fake app of '" + s.id() + "' is not running");
          }
          return exec.apply(request);
        },
        (spec, sink) -> {
          step("start-process", s);
          if (!isRunning(s.handle())) {
            throw BerthException.conflict("the fake app of '" + s.id() + "' is not running");
          }
          var started = new ScriptedWorkspace(processScript).start(spec, sink);
          var process = (ScriptedProcess) started;
          processes
              .computeIfAbsent(s.handle(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
              .add(process);
          return started;
        });
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static String name(RuntimeSession s) {
    return "fake-" + s.handle();
  }

  private FakeWorkspace workspace(String id) {
    FakeWorkspace ws = workspaces.get(id);
    if (ws == null) {
      throw new BerthException(ErrorCode.RUNTIME_FAILURE, "no workspace fake-" + id);
    }
    return ws;
  }

  private void step(String step, RuntimeSession s) {
    calls.computeIfAbsent(step, k -> new AtomicInteger()).incrementAndGet();
    calls.computeIfAbsent(step + ":" + s.handle(), k -> new AtomicInteger()).incrementAndGet();
    RuntimeException e = failNext.remove(step);
    if (e == null) {
      e = failing.get(step);
    }
    if (e != null) {
      throw e;
    }
  }

  private CountDownLatch gate(String id) {
    return gates.computeIfAbsent(id, k -> new CountDownLatch(1));
  }

  private void awaitRelease(String id) {
    try {
      // A bound so that a test that forgets to release fails instead of hanging the build.
      if (!gate(id).await(60, TimeUnit.SECONDS)) {
        throw new BerthException(ErrorCode.RUNTIME_FAILURE, "a slow start was never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BerthException(ErrorCode.RUNTIME_FAILURE, "interrupted");
    }
  }

  private static ExecResult echo(ExecRequest r) {
    byte[] out = (String.join(" ", r.argv()) + "\n").getBytes(StandardCharsets.UTF_8);
    return new ExecResult(0, out, new byte[0], out.length, 0, false, Duration.ZERO);
  }
}
