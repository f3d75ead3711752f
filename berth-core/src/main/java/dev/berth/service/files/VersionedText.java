package dev.berth.service.files;

import dev.berth.tools.TextFiles;

/** A window of a text file's lines and the {@link FileVersion} of the whole file. */
public record VersionedText(TextFiles.Window window, String version) {}
