package dev.berth.service.files;

import dev.berth.tools.TextEdits;

/** What an edit did, and the {@link FileVersion} of the file it left. */
public record VersionedEdit(TextEdits.Result result, String version) {}
