package dev.berth.base;

/** Why an operation failed, in a form an edge can map to a status and a metric can count. */
public enum ErrorCode {
  BAD_REQUEST(400),
  UNAUTHORIZED(401),
  FORBIDDEN(403),
  NOT_FOUND(404),
  CONFLICT(409),
  TOO_LARGE(413),
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
