package dev.berth.api;

import dev.berth.images.ImageResult;
import dev.berth.images.TemplateImage;
import dev.berth.service.images.ImageJob;
import dev.berth.service.images.UpdateReport;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The JSON shapes of the image routes, documented in openapi.yaml. */
final class ImageViews {
  private ImageViews() {}

  record TemplateImageView(
      String template,
      List<String> uses,
      String reference,
      String imageId,
      long sizeBytes,
      Instant builtAt,
      int sessions,
      int outdatedSessions,
      String status,
      List<String> outdatedBecause) {
    static TemplateImageView of(TemplateImage i) {
      return new TemplateImageView(
          i.template(),
          i.uses(),
          i.reference(),
          i.imageId(),
          i.sizeBytes(),
          i.built(),
          i.sessions(),
          i.outdatedSessions(),
          i.freshness().status().name().toLowerCase(Locale.ROOT).replace('_', ' '),
          i.freshness().reasons());
    }
  }

  record ImageResultView(
      String template,
      String reference,
      String imageId,
      long sizeBytes,
      double seconds,
      String outcome,
      String failedStep,
      String error,
      List<String> logTail) {
    static ImageResultView of(ImageResult r) {
      return new ImageResultView(
          r.template(),
          r.reference(),
          r.imageId(),
          r.sizeBytes(),
          r.took().toMillis() / 1000.0,
          r.outcome().name().toLowerCase(Locale.ROOT),
          r.failedStep(),
          r.error(),
          r.logTail());
    }
  }

  record SessionUpdateView(
      String id,
      String template,
      String status,
      String imageId,
      String currentImageId,
      Instant lastActivityAt,
      long idleWindowSeconds,
      boolean idle,
      String action,
      String detail) {
    static SessionUpdateView of(UpdateReport.SessionUpdate u) {
      var s = u.session();
      return new SessionUpdateView(
          s.session(),
          s.template(),
          s.status().name(),
          s.imageId(),
          s.currentImageId(),
          s.lastActivityAt(),
          s.idleWindow().toSeconds(),
          u.idle(),
          u.action().name().toLowerCase(Locale.ROOT),
          u.detail());
    }
  }

  record JobView(
      String id,
      String kind,
      String state,
      Instant createdAt,
      Instant startedAt,
      Instant finishedAt,
      List<ImageJob.ImageProgress> images,
      List<ImageResultView> results,
      List<SessionUpdateView> sessions,
      long logFrom,
      long logNext,
      List<String> log,
      String error) {
    static JobView of(ImageJob.Snapshot j) {
      return new JobView(
          j.id(),
          j.kind().name().toLowerCase(Locale.ROOT),
          j.state().name().toLowerCase(Locale.ROOT),
          j.createdAt(),
          j.startedAt(),
          j.finishedAt(),
          j.images(),
          j.report() == null
              ? List.of()
              : j.report().images().stream().map(ImageResultView::of).toList(),
          j.update() == null
              ? List.of()
              : j.update().sessions().stream().map(SessionUpdateView::of).toList(),
          j.logFrom(),
          j.logNext(),
          j.log(),
          j.error());
    }
  }
}
