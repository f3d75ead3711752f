package dev.berth.api;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.http.UnreadRequestBody;
import dev.berth.service.ImageNotBuiltException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.ExceptionHandler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.MethodNotAllowedResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error leaves the server as {@code {"error":{"code","message"}}} with the right status. An
 * unexpected exception is logged with its stack trace and the client gets a 500 with a request
 * reference, never the trace. What is left of the request body is read first (bounded), so the
 * answer reaches a client still sending: see {@link UnreadRequestBody}.
 */
final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  static void install(RoutesConfig routes) {
    exception(
        routes,
        BerthException.class,
        (e, ctx) -> {
          if (e.code() == ErrorCode.INTERNAL) {
            log.error("internal error on {} {}", ctx.method(), ctx.path(), e);
          }
          write(ctx, e.code().httpStatus(), e.code().wireName(), e.getMessage());
        });
    exception(
        routes,
        ImageNotBuiltException.class,
        (e, ctx) -> {
          UnreadRequestBody.discard(ctx.req(), ctx.res());
          ctx.status(e.code().httpStatus())
              .json(
                  new ApiViews.ImageNotBuiltBody(
                      new ApiViews.ImageNotBuiltDetail(
                          e.code().wireName(), e.getMessage(), e.templates())));
        });
    exception(
        routes,
        MethodNotAllowedResponse.class,
        (e, ctx) -> {
          String allow = allowed(e);
          if (!allow.isEmpty()) {
            ctx.header("Allow", allow);
          }
          write(
              ctx,
              405,
              "method_not_allowed",
              ctx.method()
                  + " is not allowed on "
                  + ctx.path()
                  + (allow.isEmpty() ? "" : "; it takes " + allow));
        });
    exception(
        routes,
        HttpResponseException.class,
        (e, ctx) -> write(ctx, e.getStatus(), codeFor(e.getStatus()), e.getMessage()));
    exception(
        routes,
        Exception.class,
        (e, ctx) -> {
          String ref = Long.toHexString(System.nanoTime());
          log.error("unexpected error [{}] on {} {}", ref, ctx.method(), ctx.path(), e);
          write(ctx, 500, "internal", "internal error (reference " + ref + " in the server log)");
        });
    routes.error(
        404,
        "*",
        ctx -> {
          if (ctx.result() == null || ctx.result().isEmpty()) {
            write(ctx, 404, "not_found", "no such endpoint: " + ctx.method() + " " + ctx.path());
          }
        });
    routes.error(
        405,
        "*",
        ctx ->
            write(
                ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path()));
  }

  /**
   * Registers {@code handler} so that it never throws. Javalin handles a handler's failure as one
   * more exception, queued behind it; on a request Jetty has already recycled, every handler fails,
   * and that chain never ended (see {@link OpenStreams}). A failure here is logged instead.
   */
  private static <T extends Exception> void exception(
      RoutesConfig routes, Class<T> type, ExceptionHandler<? super T> handler) {
    routes.exception(
        type,
        (e, ctx) -> {
          try {
            handler.handle(e, ctx);
          } catch (RuntimeException failure) {
            log.warn(
                "no error answer could be written for {}: {}", e.toString(), failure.toString());
          }
        });
  }

  static void write(Context ctx, int status, String code, String message) {
    UnreadRequestBody.discard(ctx.req(), ctx.res());
    ctx.status(status).json(ApiViews.ErrorBody.of(code, message));
  }

  /** The methods Javalin found for the path (its details say them), as an Allow header's value. */
  private static String allowed(MethodNotAllowedResponse e) {
    return e.getDetails().values().stream()
        .flatMap(v -> java.util.Arrays.stream(v.split("[,\\s\\[\\]]+")))
        .filter(m -> m.matches("[A-Z]+"))
        .distinct()
        .collect(java.util.stream.Collectors.joining(", "));
  }

  private static String codeFor(int status) {
    for (ErrorCode c : ErrorCode.values()) {
      if (c.httpStatus() == status) {
        return c.wireName();
      }
    }
    return status >= 500 ? "internal" : "bad_request";
  }
}
