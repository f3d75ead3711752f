package dev.berth.api;

import dev.berth.base.BerthException;
import dev.berth.http.UnreadRequestBody;
import dev.berth.service.files.FileCondition;
import dev.berth.service.files.FileVersion;
import dev.berth.service.files.FileVersionConflict;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * File versions over HTTP: a file's version is its strong {@code ETag}; {@code If-Match} (one or
 * more tags, or {@code *}) and {@code If-None-Match: *} make a write conditional, and a refused one
 * is a 412 whose body and {@code ETag} carry the file's current version.
 */
final class FileVersionHeaders {
  private FileVersionHeaders() {}

  /** The condition a PUT's headers ask for. */
  static FileCondition condition(Context ctx) {
    String ifMatch = ctx.header("If-Match");
    String ifNoneMatch = ctx.header("If-None-Match");
    if (ifMatch != null && ifNoneMatch != null) {
      throw BerthException.badRequest("send If-Match or If-None-Match, not both");
    }
    if (ifNoneMatch != null) {
      if (!ifNoneMatch.strip().equals("*")) {
        throw BerthException.badRequest(
            "a write takes only 'If-None-Match: *' (create only, fail if the file exists);"
                + " to write only over a known version, send 'If-Match: \"<version>\"'");
      }
      return FileCondition.absent();
    }
    if (ifMatch == null) {
      return FileCondition.any();
    }
    if (ifMatch.strip().equals("*")) {
      return FileCondition.exists();
    }
    List<String> versions = new ArrayList<>();
    for (String raw : ifMatch.split(",")) {
      String tag = raw.strip();
      if (tag.startsWith("W/")) {
        throw BerthException.badRequest(
            "If-Match compares strong tags only: send the ETag a GET returned, without W/");
      }
      if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
        tag = tag.substring(1, tag.length() - 1);
      }
      if (!tag.isEmpty()) {
        versions.add(tag);
      }
    }
    if (versions.isEmpty()) {
      throw BerthException.badRequest(
          "If-Match is empty: send the ETag a GET of the file returned (\"<version>\") or *");
    }
    return new FileCondition.Matches(versions);
  }

  /** Whether a GET's {@code If-None-Match} names {@code version} (then 304 answers it). */
  static boolean notModified(Context ctx, String version) {
    String ifNoneMatch = ctx.header("If-None-Match");
    if (ifNoneMatch == null) {
      return false;
    }
    for (String raw : ifNoneMatch.split(",")) {
      String tag = raw.strip();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2); // a GET compares weakly (RFC 9110 13.1.2)
      }
      if (tag.equals("*") || tag.equals(FileVersion.etag(version))) {
        return true;
      }
    }
    return false;
  }

  /** 412 with the file's current version in the body ({@code currentVersion}) and the ETag. */
  static void conflict(FileVersionConflict e, Context ctx) {
    UnreadRequestBody.discard(ctx.req(), ctx.res());
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", e.code().wireName());
    error.put("message", e.getMessage());
    error.put("currentVersion", e.currentVersion().orElse(null));
    e.currentVersion().ifPresent(v -> ctx.header("ETag", FileVersion.etag(v)));
    ctx.status(e.code().httpStatus()).json(Map.of("error", error));
  }
}
