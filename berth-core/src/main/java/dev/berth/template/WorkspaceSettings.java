package dev.berth.template;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A session's workspace: where it is mounted, what a new one is seeded with, and what is asked of
 * its volume. Read from {@code workspace}, {@code skeleton} and {@code volume} by {@link
 * WorkspaceParser}.
 *
 * @param path where the workspace is mounted inside a container
 * @param skeleton a folder copied into each new workspace when it is prepared
 * @param volume the workspace volume's size and storage class, where the backend has them
 */
public record WorkspaceSettings(String path, Optional<Path> skeleton, WorkspaceVolume volume) {

  public static final String DEFAULT_PATH = "/workspace";

  /** Mounted at {@value #DEFAULT_PATH}, no skeleton, the installation's volume defaults. */
  public static final WorkspaceSettings DEFAULT =
      new WorkspaceSettings(DEFAULT_PATH, Optional.empty(), WorkspaceVolume.DEFAULT);

  public WorkspaceSettings withPath(String newPath) {
    return new WorkspaceSettings(newPath, skeleton, volume);
  }

  public WorkspaceSettings withSkeleton(Optional<Path> newSkeleton) {
    return new WorkspaceSettings(path, newSkeleton, volume);
  }

  public WorkspaceSettings withVolume(WorkspaceVolume newVolume) {
    return new WorkspaceSettings(path, skeleton, newVolume);
  }
}
