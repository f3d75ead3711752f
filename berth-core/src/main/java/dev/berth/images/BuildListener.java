package dev.berth.images;

import java.util.List;

/** Follows a build run as it goes, for progress displays and job logs. Calls come in order. */
public interface BuildListener {
  BuildListener NONE = new BuildListener() {};

  /** The images this run builds, in order. */
  default void planned(List<String> order) {}

  /** Image {@code index} (1-based) of {@code total} starts. */
  default void started(String template, int index, int total) {}

  /** The engine began Dockerfile step {@code step} of {@code steps}. */
  default void step(String template, int step, int steps, String instruction) {}

  /** One line of the engine's output. */
  default void output(String template, String line) {}

  /** The image is done: built, cached, failed or skipped. */
  default void finished(ImageResult result) {}
}
