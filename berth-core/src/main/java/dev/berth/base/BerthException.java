package dev.berth.base;

/**
 * The one exception type that crosses Berth's layers. It carries what each audience needs: a {@link
 * ErrorCode} (for the HTTP status and for metrics), a message safe to show the user that says what
 * to fix, and an optional cause for the log.
 */
public class BerthException extends RuntimeException {
  private final ErrorCode code;

  public BerthException(ErrorCode code, String userMessage) {
    super(userMessage);
    this.code = code;
  }

  public BerthException(ErrorCode code, String userMessage, Throwable cause) {
    super(userMessage, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static BerthException badRequest(String message) {
    return new BerthException(ErrorCode.BAD_REQUEST, message);
  }

  public static BerthException notFound(String message) {
    return new BerthException(ErrorCode.NOT_FOUND, message);
  }

  public static BerthException conflict(String message) {
    return new BerthException(ErrorCode.CONFLICT, message);
  }
}
