package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.Probes;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.runtime.SessionRuntime;
import dev.berth.template.AfterCondition;
import dev.berth.template.ContainerDependency;
import dev.berth.template.HealthProbe;
import dev.berth.template.SessionContainer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Starts a session's extra containers in start order, each only once what it waits for of the
 * containers it names in {@code after} holds ({@link AfterCondition}): {@code started} waits for
 * nothing (the list form: order only, as it always was); {@code ready}, the dependency's probe
 * passes where it listens (without a probe, its first port accepts a connection); {@code done}, it
 * ended with code 0. A dependency that cannot get there (it ends before it is ready, ends with
 * another code than 0, or the start's deadline passes) fails the start naming it, its exit code and
 * its last lines of output, and the container waiting for it is never made; the caller stops what
 * was started, so nothing of a failed start keeps running.
 *
 * <p>A container started alone (on request, or by the reconciler after it ended) first starts the
 * dependencies it waits for that neither run nor are done, each after its own, as a session's start
 * would: its input must be there, and a step that did its work is not run again.
 */
final class ContainerDependencies {
  // Between attempts of a probe or looks at a step's state: a probe is a question that has no
  // event to wait for, and the whole wait is bounded by the template's start timeout.
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
  private static final int OUTPUT_LINES = 5;

  private final SessionRuntime runtime; // an exec probe runs through the runtime's workspace
  private final DockerProvisioner provisioner;
  private final SessionSidecars sidecars;
  private final DockerObserver observer;
  private final Probes probes = new Probes();

  ContainerDependencies(
      SessionRuntime runtime,
      DockerProvisioner provisioner,
      SessionSidecars sidecars,
      DockerObserver observer) {
    this.runtime = runtime;
    this.provisioner = provisioner;
    this.sidecars = sidecars;
    this.observer = observer;
  }

  /**
   * Starts every {@code auto} container in start order, each made first when missing, each once
   * what it waits for holds. The first that fails (or whose dependency does) stops the start with
   * its name; the caller stops what was started.
   */
  RuntimeState startAuto(
      RuntimeSession s, DockerNames names, ContainerSpec main, Instant deadline) {
    Chain chain = new Chain(s, names, main, deadline);
    for (SessionContainer c : s.template().containers().auto()) {
      chain.start(c);
    }
    return chain.state;
  }

  /** Starts one container once what it waits for holds, starting those it waits for first. */
  RuntimeState startOne(
      RuntimeSession s,
      DockerNames names,
      ContainerSpec main,
      SessionContainer c,
      Instant deadline) {
    Chain chain = new Chain(s, names, main, deadline);
    chain.start(c);
    return chain.state;
  }

  /** One start's progress: the state so far and the containers it started. */
  private final class Chain {
    private final RuntimeSession session;
    private final DockerNames names;
    private final ContainerSpec main;
    private final Instant deadline;
    private final Set<String> started = new HashSet<>();
    private RuntimeState state;

    Chain(RuntimeSession session, DockerNames names, ContainerSpec main, Instant deadline) {
      this.session = session;
      this.names = names;
      this.main = main;
      this.deadline = deadline;
      this.state = session.state();
    }

    void start(SessionContainer c) {
      if (!started.add(c.type())) {
        return;
      }
      // One that runs already is left as it is: waiting before a start that changes nothing would
      // only delay the session's start.
      if (!status(c).running()) {
        for (ContainerDependency d : c.after()) {
          if (d.waits()) {
            await(d, c);
          }
        }
      }
      state = sidecars.start(session.withState(state), names, main, c);
    }

    private void await(ContainerDependency d, SessionContainer dependent) {
      if (SessionContainer.MAIN.equals(d.type())) {
        awaitMain(dependent); // ready; done on the main container is refused at load
        return;
      }
      SessionContainer dependency = declared(d.type());
      // One this start started is waited for, never started again: its end is the answer.
      if (!started.contains(dependency.type()) && !upOrDone(dependency, d.condition())) {
        start(dependency);
      }
      if (d.condition() == AfterCondition.DONE) {
        awaitDone(dependency, dependent);
      } else {
        awaitReady(dependency, dependent);
      }
    }

    private boolean upOrDone(SessionContainer c, AfterCondition condition) {
      ContainerStatus status = status(c);
      return status.running() || (condition == AfterCondition.DONE && exitedWithZero(status));
    }

    /** Until {@code dependency} has ended with code 0; throws naming it when it ended otherwise. */
    private void awaitDone(SessionContainer dependency, SessionContainer dependent) {
      while (true) {
        ContainerStatus status = status(dependency);
        switch (status.phase()) {
          case EXITED -> {
            if (exitedWithZero(status)) {
              return;
            }
            throw failed(dependency, status, dependent, AfterCondition.DONE, status.detail());
          }
          case STOPPED, MISSING ->
              throw failed(
                  dependency,
                  status,
                  dependent,
                  AfterCondition.DONE,
                  "is not running (" + status.detail() + ")");
          case RUNNING -> {}
        }
        pause(dependency, status, dependent, AfterCondition.DONE, "still running");
      }
    }

    /** Until {@code dependency}'s probe (or first port) answers; throws when it cannot. */
    private void awaitReady(SessionContainer dependency, SessionContainer dependent) {
      HealthProbe probe = dependency.readyProbe().orElseThrow(); // one is there: checked at load
      String lastError = "no answer yet";
      while (true) {
        ContainerStatus status = status(dependency);
        switch (status.phase()) {
          case RUNNING -> {
            Optional<String> error =
                probes.attempt(
                    runtime,
                    session.withState(state),
                    dependency.type(),
                    probe,
                    status.probeAddresses(),
                    ATTEMPT_TIMEOUT);
            if (error.isEmpty()) {
              return;
            }
            lastError = error.get();
          }
          case EXITED ->
              throw failed(
                  dependency,
                  status,
                  dependent,
                  AfterCondition.READY,
                  status.detail() + " before it was ready");
          case STOPPED, MISSING ->
              throw failed(
                  dependency,
                  status,
                  dependent,
                  AfterCondition.READY,
                  "is not running (" + status.detail() + ")");
        }
        pause(dependency, status, dependent, AfterCondition.READY, lastError);
      }
    }

    /** Until the main container answers the template's probe (else its first port). */
    private void awaitMain(SessionContainer dependent) {
      Optional<HealthProbe> probe =
          session
              .template()
              .app()
              .probe()
              .or(
                  () ->
                      session
                          .template()
                          .app()
                          .primaryPort()
                          .map(p -> new HealthProbe.Tcp(p, ATTEMPT_TIMEOUT)));
      String lastError = "no answer yet";
      while (true) {
        Optional<InspectContainerResponse> found = provisioner.find(names.container());
        ContainerStatus status =
            SessionSidecars.status(
                SessionContainer.MAIN, names.container(), found, names.network(), List.of(), false);
        if (!status.running()) {
          throw failed(
              SessionContainer.MAIN,
              status,
              dependent,
              AfterCondition.READY,
              status.phase() == ContainerStatus.Phase.EXITED
                  ? status.detail() + " before it was ready"
                  : "is not running (" + status.detail() + ")",
              "");
        }
        if (probe.isEmpty()) {
          return; // refused at load; a template made in code is refused at create
        }
        Map<Integer, URI> addresses =
            DockerObserver.probeAddresses(session, found.get(), names.network());
        Optional<String> error =
            probes.attempt(
                runtime,
                session.withState(state),
                SessionContainer.MAIN,
                probe.get(),
                addresses,
                ATTEMPT_TIMEOUT);
        if (error.isEmpty()) {
          return;
        }
        lastError = error.get();
        if (Instant.now().isAfter(deadline)) {
          throw failed(
              SessionContainer.MAIN,
              status,
              dependent,
              AfterCondition.READY,
              notInTime(AfterCondition.READY, lastError),
              "");
        }
        sleep(SessionContainer.MAIN, dependent);
      }
    }

    private ContainerStatus status(SessionContainer c) {
      RuntimeSession s = session.withState(state);
      String name = sidecars.name(s, names, c.type());
      return SessionSidecars.status(
          c.type(),
          name,
          provisioner.find(name),
          sidecars.linksNetwork(s, names),
          c.ports(),
          false);
    }

    private SessionContainer declared(String type) {
      return session
          .template()
          .containers()
          .get(type)
          .orElseThrow(() -> new IllegalStateException("no container '" + type + "'"));
    }

    /** Waits one poll, or throws when the deadline has passed. */
    private void pause(
        SessionContainer dependency,
        ContainerStatus status,
        SessionContainer dependent,
        AfterCondition condition,
        String lastError) {
      if (Instant.now().isAfter(deadline)) {
        throw failed(dependency, status, dependent, condition, notInTime(condition, lastError));
      }
      sleep(dependency.type(), dependent);
    }

    private String notInTime(AfterCondition condition, String lastError) {
      return "was not "
          + condition.yamlName()
          + " within the start timeout ("
          + session.template().app().startTimeout().toSeconds()
          + "s): "
          + lastError;
    }

    private void sleep(String type, SessionContainer dependent) {
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BerthException(
            ErrorCode.RUNTIME_FAILURE,
            "session '"
                + session.id()
                + "': interrupted while '"
                + dependent.type()
                + "' waited for '"
                + type
                + "' (Berth is stopping); '"
                + dependent.type()
                + "' was not started");
      }
    }

    private BerthException failed(
        SessionContainer dependency,
        ContainerStatus status,
        SessionContainer dependent,
        AfterCondition condition,
        String why) {
      return failed(dependency.type(), status, dependent, condition, why, output(status.name()));
    }

    /**
     * "container 'processor' (berth-processor-...) of session 'run-1' exited with code 1; 'plugin'
     * waits for it to be done (after: {processor: done}) and was not started; last output of
     * 'processor': ...".
     */
    private BerthException failed(
        String type,
        ContainerStatus status,
        SessionContainer dependent,
        AfterCondition condition,
        String why,
        String output) {
      return new BerthException(
          ErrorCode.RUNTIME_FAILURE,
          "container '"
              + type
              + "' ("
              + status.name()
              + ") of session '"
              + session.id()
              + "' "
              + why
              + "; '"
              + dependent.type()
              + "' waits for it to be "
              + condition.yamlName()
              + " (after: {"
              + type
              + ": "
              + condition.yamlName()
              + "}) and was not started"
              + (output.isBlank() ? "" : "; last output of '" + type + "': " + output));
    }

    /** The container's last lines, on one line: one call to the engine, kept short for a reason. */
    private String output(String name) {
      String tail = observer.logTail(name, OUTPUT_LINES).strip();
      String oneLine = String.join(" | ", tail.lines().map(String::strip).toList());
      return oneLine.length() <= 500 ? oneLine : "..." + oneLine.substring(oneLine.length() - 500);
    }
  }

  private static boolean exitedWithZero(ContainerStatus status) {
    return status.phase() == ContainerStatus.Phase.EXITED && status.exitCode().orElse(-1) == 0;
  }
}
