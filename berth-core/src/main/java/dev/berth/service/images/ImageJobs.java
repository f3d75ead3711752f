package dev.berth.service.images;

import dev.berth.base.BerthException;
import dev.berth.images.BuildOptions;
import dev.berth.images.BuildReport;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and updates run as jobs, one at a time in submission order, so an HTTP request does not
 * wait minutes for a build: the caller gets a job id and follows its status and log. A request is
 * checked (template names, image families) before it is queued, so a bad one fails at once. The
 * last {@value #KEPT} jobs are kept in memory; a job does not survive a restart of the manager.
 */
public final class ImageJobs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ImageJobs.class);
  static final int KEPT = 50;

  private final ImageService images;
  private final Clock clock;
  private final ExecutorService runner =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "berth-image-jobs");
            t.setDaemon(true);
            return t;
          });
  private final AtomicLong counter = new AtomicLong();
  private final Map<String, ImageJob> jobs = new LinkedHashMap<>();

  public ImageJobs(ImageService images, Clock clock) {
    this.images = images;
    this.clock = clock;
  }

  public ImageService images() {
    return images;
  }

  /** Queues a build; fails at once for unknown templates or broken families. */
  public ImageJob.Snapshot build(BuildOptions options) {
    List<String> plan = images.builder().plan(options.templates());
    ImageJob job = add(ImageJob.Kind.BUILD, plan);
    runner.submit(
        () ->
            run(
                job,
                () -> {
                  BuildReport report = images.builder().build(options, job);
                  job.finish(clock.instant(), report, null);
                }));
    return job.snapshot(0);
  }

  /** Queues an update (a build, then the outdated sessions); fails at once like {@link #build}. */
  public ImageJob.Snapshot update(UpdateOptions options) {
    List<String> plan = images.builder().plan(images.updateBuild(options.build()).templates());
    ImageJob job = add(ImageJob.Kind.UPDATE, plan);
    runner.submit(
        () ->
            run(
                job,
                () -> {
                  UpdateReport report = images.update(options, job);
                  job.finish(clock.instant(), report.build(), report);
                }));
    return job.snapshot(0);
  }

  private synchronized ImageJob add(ImageJob.Kind kind, List<String> plan) {
    String id = kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + counter.incrementAndGet();
    ImageJob job = new ImageJob(id, kind, plan, clock.instant());
    jobs.put(id, job);
    while (jobs.size() > KEPT) {
      String oldest = jobs.keySet().iterator().next();
      if (!jobs.get(oldest).snapshot(Long.MAX_VALUE).state().finished()) {
        break; // never forget a job that has not finished
      }
      jobs.remove(oldest);
    }
    return job;
  }

  private void run(ImageJob job, Runnable work) {
    job.start(clock.instant());
    try {
      work.run();
    } catch (RuntimeException e) {
      // The loop boundary: a job that throws fails with its reason; the runner goes on.
      LOG.warn("image job {} failed", job.id(), e);
      job.fail(clock.instant(), e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /** The job with its log lines after line {@code logAfter}; 404 for an unknown id. */
  public synchronized ImageJob.Snapshot get(String id, long logAfter) {
    ImageJob job = jobs.get(id);
    if (job == null) {
      throw BerthException.notFound("no image job '" + id + "' (jobs are kept in memory only)");
    }
    return job.snapshot(logAfter);
  }

  /** Recent jobs, newest first, without their logs. */
  public synchronized List<ImageJob.Snapshot> list() {
    List<ImageJob.Snapshot> out = new ArrayList<>();
    for (ImageJob j : jobs.values()) {
      out.addFirst(j.snapshot(Long.MAX_VALUE));
    }
    return out;
  }

  /**
   * Waits until job {@code id} has finished and returns it with its whole log; 404 for an unknown
   * id. Jobs run one at a time, so this also waits for the jobs queued before it.
   */
  public ImageJob.Snapshot awaitFinished(String id) throws InterruptedException {
    ImageJob job;
    synchronized (this) {
      job = jobs.get(id);
    }
    if (job == null) {
      throw BerthException.notFound("no image job '" + id + "' (jobs are kept in memory only)");
    }
    job.awaitFinished();
    return job.snapshot(0);
  }

  public synchronized Optional<ImageJob.Snapshot> find(String id) {
    return Optional.ofNullable(jobs.get(id)).map(j -> j.snapshot(0));
  }

  @Override
  public void close() {
    runner.shutdownNow();
    // A job that never ran would keep whoever awaits it (a create that builds first) waiting.
    List<ImageJob> unfinished;
    synchronized (this) {
      unfinished =
          jobs.values().stream()
              .filter(j -> !j.snapshot(Long.MAX_VALUE).state().finished())
              .toList();
    }
    unfinished.forEach(j -> j.fail(clock.instant(), "the manager stopped before the job finished"));
  }
}
