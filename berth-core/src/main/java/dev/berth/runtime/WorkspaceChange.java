package dev.berth.runtime;

/**
 * One path a workspace watcher saw change ({@link WorkspaceAccess#watch}). {@code path} is {@link
 * WorkspacePath#ROOT} when the watcher lost track (its queue overflowed): anything may have
 * changed.
 */
public record WorkspaceChange(WorkspacePath path, boolean deleted) {}
