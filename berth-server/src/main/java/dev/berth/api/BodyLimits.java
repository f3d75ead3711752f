package dev.berth.api;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;

/**
 * How much of a request body a route may read. File and archive uploads take bulk bodies (up to
 * {@code maxFileBytes} and {@code maxRequestBytes}, streamed, never buffered whole), and so does an
 * exec, whose {@code stdin} is a file's worth (up to {@code maxRequestBytes}); every other route,
 * the public login among them, takes at most {@link #SMALL_BODY_BYTES}. Those three read their body
 * only after the token is checked, so no request without a token reads more than that either.
 * Without this, a body was read whole into memory before any check: parallel 250 MiB logins, which
 * need no token, exhausted the heap.
 */
final class BodyLimits {
  /** The most a route that takes no file, archive or stdin reads: its JSON is far smaller. */
  static final int SMALL_BODY_BYTES = 64 * 1024;

  /** {@code PUT .../files/{path}} and {@code PUT .../archive}: uploads, limited by their routes. */
  private static final Pattern UPLOAD_ROUTES =
      Pattern.compile("/api/v1/sessions/[^/]+/(files/.+|archive/?)");

  /** {@code POST .../exec}: limited by its route. */
  private static final Pattern EXEC_ROUTE = Pattern.compile("/api/v1/sessions/[^/]+/exec/?");

  private BodyLimits() {}

  /**
   * A before-handler that runs right after the token check (which reads no body): on a small-body
   * route, a declared length over {@link #SMALL_BODY_BYTES} is a 413 before a byte of the body is
   * read (a chunked body is capped as it is read, by {@link #read}). A request without a token has
   * had its 401 by then, except on the public login.
   */
  static void refuseDeclaredOverLimit(Context ctx) {
    if (takesBulk(ctx)) {
      return;
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > SMALL_BODY_BYTES) {
      throw new BerthException(
          ErrorCode.TOO_LARGE,
          "the body is "
              + declared
              + " bytes; the limit is "
              + SMALL_BODY_BYTES
              + " for "
              + ctx.method()
              + " "
              + ctx.path()
              + " (only file and archive uploads and exec take more)");
    }
  }

  private static boolean takesBulk(Context ctx) {
    String path = ctx.path();
    return ctx.method() == HandlerType.PUT && UPLOAD_ROUTES.matcher(path).matches()
        || ctx.method() == HandlerType.POST && EXEC_ROUTE.matcher(path).matches();
  }

  /** A 413 when the declared length is over {@code max}: for the routes with their own limit. */
  static void refuseDeclaredOver(Context ctx, long max, String limitName) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > max) {
      throw new BerthException(
          ErrorCode.TOO_LARGE,
          "the body is " + declared + " bytes; the limit is " + max + " (" + limitName + ")");
    }
  }

  /**
   * The whole body, at most {@code max} bytes; a 413 as soon as more have arrived, so a chunked
   * body that never ends is refused after that much, not buffered.
   */
  static byte[] read(Context ctx, long max) {
    try {
      InputStream in = ctx.req().getInputStream();
      byte[] body = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
      if (body.length > max) {
        throw new BerthException(
            ErrorCode.TOO_LARGE,
            "the request body is larger than the limit of "
                + max
                + " bytes for "
                + ctx.method()
                + " "
                + ctx.path());
      }
      return body;
    } catch (IOException e) {
      throw BerthException.badRequest("cannot read the request body: " + e.getMessage());
    }
  }
}
