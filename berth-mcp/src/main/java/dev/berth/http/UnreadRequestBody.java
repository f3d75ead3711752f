package dev.berth.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * Reads and throws away what is left of a request body before an error answer goes out, so the
 * client gets the answer.
 *
 * <p>An error often comes before the body is read: a 413 on the declared length, a 401, a 404 for
 * the session. Jetty then closes the connection with the rest of the body still unread, and the
 * kernel answers that close with a TCP reset, which can destroy the error answer before the client
 * reads it: the client sees "connection reset" or an empty reply instead of the 413 (CI saw this
 * for a 70 KiB upload over a 64 KiB limit). Servers avoid it the same way (Tomcat's maxSwallowSize,
 * nginx's lingering close): read a bounded amount more. Past {@link #LIMIT} Berth stops reading and
 * closes the connection; a client that sends {@code Expect: 100-continue} (curl does for large
 * bodies, as does {@code berth cp}) still gets the error cleanly, since it never sends a body the
 * server did not ask for. Nothing is read from such a client either: reading would make the server
 * send {@code 100 Continue} and ask for a body it is about to throw away.
 *
 * <p>A request whose credential was not checked (a 401, a public route such as the login) gets far
 * less: no unauthenticated request may make Berth read more than {@link #UNAUTHENTICATED_LIMIT} in
 * all, counting what a route already read, so past that the connection is closed instead. Reading 2
 * MiB for anyone who asks would let a caller without a token keep the server busy with bodies it
 * throws away. The edges say a request is authenticated with {@link #authenticated} once its token
 * checks out.
 *
 * <p>It lives in berth-mcp because both edges need it: {@code /mcp}'s body limit (a filter there)
 * and the REST API and proxy in berth-server, which depends on berth-mcp.
 */
public final class UnreadRequestBody {
  /** The most Berth reads and discards to deliver one error answer to an authenticated caller. */
  public static final long LIMIT = 2L * 1024 * 1024;

  /**
   * The most Berth reads of an unauthenticated request's body, what the route read included: the
   * small-body limit of the REST routes (64 KiB).
   */
  public static final long UNAUTHENTICATED_LIMIT = 64L * 1024;

  private static final String AUTHENTICATED = "berth.authenticated";

  private UnreadRequestBody() {}

  /** Marks {@code req} as sent with a credential that checked out: its errors may read more. */
  public static void authenticated(HttpServletRequest req) {
    req.setAttribute(AUTHENTICATED, Boolean.TRUE);
  }

  /** Call before {@code resp} is committed: it may still add {@code Connection: close}. */
  public static void discard(HttpServletRequest req, HttpServletResponse resp) {
    long declared = req.getContentLengthLong();
    boolean chunked = "chunked".equalsIgnoreCase(req.getHeader("Transfer-Encoding"));
    if (declared <= 0 && !chunked) {
      return;
    }
    long budget =
        req.getAttribute(AUTHENTICATED) != null
            ? LIMIT
            : Math.max(0, UNAUTHENTICATED_LIMIT - alreadyRead(req));
    if (budget == 0
        || declared > budget
        || "100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
      resp.setHeader("Connection", "close");
      return;
    }
    try {
      InputStream in = req.getInputStream();
      byte[] buffer = new byte[16 * 1024];
      int n;
      while (budget > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, budget))) >= 0) {
        budget -= n;
      }
      if (budget <= 0 && in.read() >= 0) {
        resp.setHeader("Connection", "close");
      }
    } catch (IOException | RuntimeException e) {
      // The client went away or the body was already taken as a reader: nothing left to save.
      resp.setHeader("Connection", "close");
    }
  }

  /** What the application already read of the body (a route that refused it part-way). */
  private static long alreadyRead(HttpServletRequest req) {
    ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(req);
    return jetty == null ? 0 : jetty.getHttpInput().getContentConsumed();
  }
}
