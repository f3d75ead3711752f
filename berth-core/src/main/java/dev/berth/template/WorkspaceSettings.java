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
 * @param templateVolume the template's files mounted read-only beside the workspace, if any
 */
public record WorkspaceSettings(
    String path,
    Optional<Path> skeleton,
    WorkspaceVolume volume,
    Optional<TemplateVolume> templateVolume) {

  public static final String DEFAULT_PATH = "/workspace";

  /** Mounted at {@value #DEFAULT_PATH}, no skeleton, the installation's volume defaults. */
  public static final WorkspaceSettings DEFAULT =
      new WorkspaceSettings(
          DEFAULT_PATH, Optional.empty(), WorkspaceVolume.DEFAULT, Optional.empty());

  public WorkspaceSettings withPath(String newPath) {
    return new WorkspaceSettings(newPath, skeleton, volume, templateVolume);
  }

  public WorkspaceSettings withSkeleton(Optional<Path> newSkeleton) {
    return new WorkspaceSettings(path, newSkeleton, volume, templateVolume);
  }

  public WorkspaceSettings withVolume(WorkspaceVolume newVolume) {
    return new WorkspaceSettings(path, skeleton, newVolume, templateVolume);
  }

  public WorkspaceSettings withTemplateVolume(Optional<TemplateVolume> newTemplateVolume) {
    return new WorkspaceSettings(path, skeleton, volume, newTemplateVolume);
  }
}
