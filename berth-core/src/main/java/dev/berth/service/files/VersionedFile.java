package dev.berth.service.files;

/** A file's bytes and their {@link FileVersion}, read in one call. */
public record VersionedFile(byte[] content, String version) {}
