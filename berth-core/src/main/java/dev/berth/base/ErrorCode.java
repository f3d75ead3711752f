package dev.berth.base;

/** Why an operation failed, in a form an edge can map to a status and a metric can count. */
public enum ErrorCode {
  BAD_REQUEST(400),
  UNAUTHORIZED(401),
  FORBIDDEN(403),
  NOT_FOUND(404),
  CONFLICT(409),
  /**
   * The request is valid and the id is free, but what it needs is not in place: a template that
   * cannot work as written, an image that is not on the engine. The message says what to run or
   * fix; nothing was made, so the same request works once that is done.
   */
  PRECONDITION_FAILED(422),
  /**
   * A {@link #PRECONDITION_FAILED} that Berth can fix itself: the template's image is one Berth
   * builds (its Dockerfile) and it is not built yet. Creating with {@code "build": true} builds it
   * first.
   */
  IMAGE_NOT_BUILT(422),
  /**
   * A conditional write or edit found the file changed: its version is not the one the caller read
   * (REST {@code If-Match}, MCP {@code if_version}), or it exists where the caller asked to create.
   * Nothing was written; the caller reads again, redoes its change and retries.
   */
  VERSION_CONFLICT(412),
  TOO_LARGE(413),
  /** The caller holds as many of something (open event streams) as one credential may. */
  TOO_MANY_REQUESTS(429),
  UNSUPPORTED(501),
  RUNTIME_FAILURE(502),
  TIMEOUT(504),
  INTERNAL(500);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The lower-case name used in JSON error bodies, e.g. {@code not_found}. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
