package dev.berth.images;

import java.util.List;
import java.util.Optional;

/** The outcome of one build run, one entry per image in build order. */
public record BuildReport(List<ImageResult> images) {
  public BuildReport {
    images = List.copyOf(images);
  }

  /** True when no image failed. */
  public boolean ok() {
    return failure().isEmpty();
  }

  /** The image whose build failed (a run stops at the first failure). */
  public Optional<ImageResult> failure() {
    return images.stream().filter(i -> i.outcome() == ImageResult.Outcome.FAILED).findFirst();
  }
}
