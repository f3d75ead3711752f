package dev.berth.service;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.registry.MigrationRecord;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.StartResult;
import dev.berth.service.steps.LifecycleSteps;
import dev.berth.service.steps.SessionSteps;
import dev.berth.session.DesiredState;
import dev.berth.session.MigrationResult;
import dev.berth.session.Session;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionStatus;
import dev.berth.template.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a session to another backend with its workspace, keeping its id, labels and tokens: stop,
 * export the workspace, make the session on the target, import, start (if it was running), switch
 * the registry entry, then clean up the source.
 *
 * <p>The source is untouched until the registry says the session lives on the target: any failure
 * before that removes what was made on the target and starts the source again, so a failed
 * migration leaves the session where it was. The migration is recorded as under way ({@link
 * MigrationRecord}) before the source is stopped and again once the target made something, and
 * cleared when it is done or rolled back: a manager killed half way leaves that record, and {@link
 * InterruptedMigrations} rolls the migration back at the next start (the source started again if it
 * ran, what the target made removed), or finishes it if the registry had switched already. The
 * workspace travels through a temporary tar file in the data directory's {@code tmp}, not memory
 * nor {@code /tmp}; start-up empties that directory, so a killed migration leaves no copy.
 */
final class SessionMigration {
  private static final Logger log = LoggerFactory.getLogger(SessionMigration.class);
  private final SessionSteps steps;
  private final LifecycleSteps lifecycle;
  private final Path tmpDir;

  SessionMigration(SessionSteps steps, LifecycleSteps lifecycle, Path tmpDir) {
    this.steps = steps;
    this.lifecycle = lifecycle;
    this.tmpDir = tmpDir;
  }

  /** Runs the migration; the caller holds the session's lifecycle lock. */
  MigrationResult run(SessionId id, String targetName) {
    Session before = steps.require(id);
    String sourceName = before.backend();
    if (sourceName.equals(targetName)) {
      throw BerthException.badRequest(
          "session '" + id + "' already runs on backend '" + targetName + "'");
    }
    SessionRuntime target = steps.backends().get(targetName);
    SessionSteps.requireAllowed(steps.templateOrBuiltin(before), targetName);
    if (before.status() != SessionStatus.RUNNING && before.status() != SessionStatus.STOPPED) {
      throw BerthException.conflict(
          "session '"
              + id
              + "' is "
              + before.status()
              + "; migrate needs a RUNNING or STOPPED session (start or stop it first)");
    }
    Template template = steps.templateOf(before);
    SessionRuntime source = steps.runtimeOf(before);
    boolean wasRunning = before.status() == SessionStatus.RUNNING;
    steps.event(id, "migration", "moving from " + sourceName + " to " + targetName);
    MigrationRecord record = MigrationRecord.begun(sourceName, targetName, wasRunning);
    steps.registry().sessions().saveMigration(id, record);

    steps.endExecs(id, "session '" + id + "' is being moved to backend '" + targetName + "'");
    Session stopped = wasRunning ? lifecycle.stop(before, "") : before;
    if (stopped.status() != SessionStatus.STOPPED) {
      steps.registry().sessions().clearMigration(id);
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE,
          "migration to "
              + targetName
              + " not started: could not stop the session on "
              + sourceName
              + ": "
              + stopped.statusReason());
    }
    RuntimeSession onTarget =
        RuntimeSession.fresh(id, stopped.handle(), template, stopped.labels());
    Map<Integer, String> endpoints = Map.of();
    Path tar = null;
    try {
      Files.createDirectories(tmpDir);
      tar = Files.createTempFile(tmpDir, "berth-migrate-" + id + "-", ".tar");
      try (OutputStream out = Files.newOutputStream(tar)) {
        source.workspace(steps.runtimeSession(stopped, template)).exportWorkspace(out);
      }
      onTarget = onTarget.withState(target.prepare(onTarget));
      steps.registry().sessions().saveMigration(id, record.withTarget(onTarget.state()));
      try (InputStream in = Files.newInputStream(tar)) {
        target.workspace(onTarget).importWorkspace(in);
      }
      if (wasRunning) {
        StartResult started = target.start(onTarget);
        onTarget = onTarget.withState(started.state());
        steps.registry().sessions().saveMigration(id, record.withTarget(onTarget.state()));
        Optional<String> notReady = lifecycle.readiness().await(target, onTarget);
        if (notReady.isPresent()) {
          throw new BerthException(
              ErrorCode.RUNTIME_FAILURE, "the app did not become ready: " + notReady.get());
        }
        endpoints = LifecycleSteps.urls(started.endpoints());
      }
    } catch (IOException | RuntimeException e) {
      throw rollBack(id, stopped, wasRunning, target, onTarget, targetName, e);
    } finally {
      deleteQuietly(tar);
    }

    var now = steps.now();
    Session moved = stopped.onBackend(targetName, onTarget.state(), now);
    if (wasRunning) {
      // The stop above recorded that the owner wants it stopped; it runs again on the target.
      moved =
          moved
              .withStatus(SessionStatus.STARTING, "", now)
              .withStatus(SessionStatus.RUNNING, "", now)
              .withEndpoints(endpoints, now)
              .withLifecycle(before.lifecycle());
    }
    // Switched: a manager killed from here on finishes the migration at its next start (the
    // source's cleanup), which the record still says is owed until it is done.
    steps.save(moved);
    steps.recordDefinition(onTarget); // what the target made it from
    steps.event(id, "migration", "moved from " + sourceName + " to " + targetName);

    CleanupReport report;
    try {
      report = source.destroy(steps.runtimeSession(stopped, template));
    } catch (RuntimeException e) {
      log.warn("cleanup of session {} on {} after migration failed", id, sourceName, e);
      report = new CleanupReport.Builder().failed("session", id.value(), String.valueOf(e)).build();
    }
    var receipt = SessionCleanupReceipt.of(id, sourceName, report, steps.now());
    steps.event(
        id,
        "cleanup",
        "cleanup of the source on "
            + sourceName
            + ": removed "
            + receipt.removed().size()
            + ", failed "
            + receipt.failed().size()
            + (receipt.complete() ? "" : " (berth gc removes what is left)"),
        SessionSteps.json(receipt));
    steps.registry().sessions().clearMigration(id);
    return new MigrationResult(moved, receipt);
  }

  private BerthException rollBack(
      SessionId id,
      Session stopped,
      boolean wasRunning,
      SessionRuntime target,
      RuntimeSession onTarget,
      String targetName,
      Exception cause) {
    log.warn("migration of session {} to {} failed; rolling back", id, targetName, cause);
    String why = cause instanceof BerthException ? cause.getMessage() : cause.toString();
    try {
      target.destroy(onTarget);
    } catch (RuntimeException e) {
      log.warn("could not remove session {}'s resources on {}: {}", id, targetName, e.toString());
    }
    String where = "the session stays on " + stopped.backend();
    if (wasRunning) {
      Session current = steps.require(id);
      Session wanted =
          steps.save(current.withLifecycle(current.lifecycle().want(DesiredState.RUNNING)));
      Session restarted =
          lifecycle.start(wanted, steps.templateOf(wanted), steps.runtimeOf(wanted));
      where +=
          restarted.status() == SessionStatus.RUNNING
              ? ", running again"
              : " but did not start again: " + restarted.statusReason();
    }
    steps.registry().sessions().clearMigration(id);
    steps.event(id, "migration", "migration to " + targetName + " failed: " + why + "; " + where);
    return new BerthException(
        ErrorCode.RUNTIME_FAILURE, "migration to " + targetName + " failed: " + why + "; " + where);
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the temporary archive " + file, e);
    }
  }
}
