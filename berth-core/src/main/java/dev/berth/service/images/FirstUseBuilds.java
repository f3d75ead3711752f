package dev.berth.service.images;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.images.BuildOptions;
import dev.berth.service.ImageNotBuiltException;
import dev.berth.service.SessionService;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.CreatedSession;
import java.util.List;
import java.util.Optional;

/**
 * Creating a session whose template's image is not built yet, building it first when asked ({@code
 * "build": true}, {@code berth session create --build}), as Compose builds a service's image on
 * {@code up}. The build is an ordinary image job (queued behind other builds, listed with them, its
 * log readable while it runs) with the layer cache on, so the images it is built on are reused when
 * unchanged. A build that fails creates nothing. Without a request to build, the create is refused
 * as {@link SessionService#create} refuses it, naming both ways out.
 */
public final class FirstUseBuilds {
  private final SessionService sessions;
  private final Optional<ImageJobs> jobs;

  /**
   * @param jobs the image jobs; empty when no backend builds images (then nothing can be missing
   *     that Berth could build)
   */
  public FirstUseBuilds(SessionService sessions, Optional<ImageJobs> jobs) {
    this.sessions = sessions;
    this.jobs = jobs;
  }

  /**
   * A create, and the build job that ran first if one had to.
   *
   * @param build the job that built the missing images; empty when nothing was built
   */
  public record Created(CreatedSession created, Optional<ImageJob.Snapshot> build) {}

  /**
   * Creates the session as {@link SessionService#create} does; with {@code build}, first builds the
   * images its template needs and does not have, and waits for that build.
   *
   * @throws BerthException {@code CONFLICT} when a live session has the id, before any build
   * @throws ImageNotBuiltException without {@code build}, when an image is not built
   * @throws BerthException {@code PRECONDITION_FAILED} when the build failed (nothing was created;
   *     the message names the job whose log says why)
   */
  public Created create(CreateSessionRequest request, boolean build) {
    if (!build) {
      return new Created(sessions.create(request), Optional.empty());
    }
    // The checks and the create must be about one session, not two generated ids.
    CreateSessionRequest settled = request.withSettledId();
    List<String> missing = sessions.imagesToBuild(settled);
    if (missing.isEmpty() || jobs.isEmpty()) {
      return new Created(sessions.create(settled), Optional.empty());
    }
    ImageJob.Snapshot done = buildAndWait(missing);
    if (done.state() != ImageJob.State.SUCCEEDED) {
      throw new BerthException(
          ErrorCode.PRECONDITION_FAILED,
          "building the image of "
              + String.join(", ", missing)
              + " failed"
              + (done.error().isEmpty() ? "" : " (" + done.error() + ")")
              + ", so no session was made; its log: GET /api/v1/images/builds/"
              + done.id()
              + " (or run `berth images build "
              + String.join(" ", missing)
              + "`)");
    }
    return new Created(sessions.create(settled), Optional.of(done));
  }

  private ImageJob.Snapshot buildAndWait(List<String> templates) {
    ImageJobs queue = jobs.orElseThrow();
    ImageJob.Snapshot queued = queue.build(new BuildOptions(templates, true, false));
    try {
      return queue.awaitFinished(queued.id());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BerthException(
          ErrorCode.INTERNAL,
          "interrupted while waiting for image job " + queued.id() + "; it goes on in the server");
    }
  }
}
