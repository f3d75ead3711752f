package dev.berth.service.images;

import dev.berth.images.BuildListener;
import dev.berth.images.BuildReport;
import dev.berth.images.ImageResult;
import dev.berth.images.ImageResult.Outcome;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One build or update job: its state, the progress of each image, its log, and at the end its
 * report. Written by the job's thread (as the build's {@link BuildListener}), read by any thread
 * through {@link #snapshot}.
 */
public final class ImageJob implements BuildListener {
  /** Lines of log kept per job; older ones are dropped (line numbers keep counting). */
  static final int LOG_LINES = 20_000;

  public enum Kind {
    BUILD,
    UPDATE
  }

  public enum State {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED;

    public boolean finished() {
      return this == SUCCEEDED || this == FAILED;
    }
  }

  /**
   * Where one image of the job is.
   *
   * @param state {@code pending}, {@code building}, or the outcome in lower case
   * @param step the Dockerfile step being run (0 before the first)
   */
  public record ImageProgress(
      String template, String state, int step, int steps, String instruction) {}

  /**
   * The job at one moment.
   *
   * @param logFrom the number of the first line in {@code log} (lines are numbered from 1)
   * @param logNext what to pass as {@code logAfter} to get the lines after these
   */
  public record Snapshot(
      String id,
      Kind kind,
      State state,
      Instant createdAt,
      Instant startedAt,
      Instant finishedAt,
      List<ImageProgress> images,
      long logFrom,
      long logNext,
      List<String> log,
      BuildReport report,
      UpdateReport update,
      String error) {}

  private final String id;
  private final Kind kind;
  private final Instant createdAt;
  private final Map<String, ImageProgress> progress = new LinkedHashMap<>();
  private final Deque<String> log = new ArrayDeque<>();
  private long logCount;
  private State state = State.QUEUED;
  private Instant startedAt;
  private Instant finishedAt;
  private BuildReport report;
  private UpdateReport update;
  private String error = "";
  private final java.util.concurrent.CountDownLatch done =
      new java.util.concurrent.CountDownLatch(1);

  ImageJob(String id, Kind kind, List<String> plan, Instant createdAt) {
    this.id = id;
    this.kind = kind;
    this.createdAt = createdAt;
    plan.forEach(t -> progress.put(t, new ImageProgress(t, "pending", 0, 0, "")));
  }

  public String id() {
    return id;
  }

  synchronized void start(Instant at) {
    state = State.RUNNING;
    startedAt = at;
  }

  synchronized void finish(Instant at, BuildReport build, UpdateReport updated) {
    report = build;
    update = updated;
    finishedAt = at;
    boolean ok = updated != null ? updated.ok() : build.ok();
    state = ok ? State.SUCCEEDED : State.FAILED;
    build.failure().ifPresent(f -> error = "the build of '" + f.template() + "' failed");
    if (ok) {
      line("job " + id + " succeeded");
    } else {
      line("job " + id + " failed" + (error.isEmpty() ? "" : ": " + error));
    }
    done.countDown();
  }

  synchronized void fail(Instant at, String reason) {
    finishedAt = at;
    state = State.FAILED;
    error = reason;
    line("job " + id + " failed: " + reason);
    done.countDown();
  }

  /** Waits until the job has finished (succeeded or failed). */
  void awaitFinished() throws InterruptedException {
    done.await();
  }

  @Override
  public synchronized void planned(List<String> order) {
    line("building " + order.size() + " image(s) in this order: " + String.join(", ", order));
  }

  @Override
  public synchronized void started(String template, int index, int total) {
    progress.put(template, new ImageProgress(template, "building", 0, 0, ""));
    line("[" + template + "] image " + index + " of " + total);
  }

  @Override
  public synchronized void step(String template, int step, int steps, String instruction) {
    progress.put(template, new ImageProgress(template, "building", step, steps, instruction));
  }

  @Override
  public synchronized void output(String template, String text) {
    line("[" + template + "] " + text);
  }

  @Override
  public synchronized void finished(ImageResult result) {
    ImageProgress p = progress.get(result.template());
    progress.put(
        result.template(),
        new ImageProgress(
            result.template(),
            result.outcome().name().toLowerCase(java.util.Locale.ROOT),
            p == null ? 0 : p.step(),
            p == null ? 0 : p.steps(),
            p == null ? "" : p.instruction()));
    if (result.outcome() == Outcome.FAILED) {
      line(
          "["
              + result.template()
              + "] FAILED"
              + (result.failedStep().isEmpty() ? "" : " at " + result.failedStep())
              + ": "
              + result.error());
    } else if (result.outcome() != Outcome.SKIPPED) {
      line("[" + result.template() + "] " + result.outcome() + " " + result.reference());
    }
  }

  private void line(String text) {
    logCount++;
    log.addLast(text);
    if (log.size() > LOG_LINES) {
      log.removeFirst();
    }
  }

  /** The job now, with the log lines numbered above {@code logAfter}. */
  public synchronized Snapshot snapshot(long logAfter) {
    long first = logCount - log.size() + 1;
    List<String> lines = new ArrayList<>();
    long n = first;
    for (String l : log) {
      if (n > logAfter) {
        lines.add(l);
      }
      n++;
    }
    return new Snapshot(
        id,
        kind,
        state,
        createdAt,
        startedAt,
        finishedAt,
        List.copyOf(progress.values()),
        Math.max(first, logAfter + 1),
        logCount,
        List.copyOf(lines),
        report,
        update,
        error);
  }
}
