package dev.berth.proxy;

import dev.berth.http.UnreadRequestBody;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the proxy answers itself instead of the app: small HTML pages for browsers (styled like the
 * dashboard), the API's JSON error shape for everything else. Pages never redirect, so a failed
 * login cannot loop.
 */
final class ProxyPages {
  private ProxyPages() {}

  /**
   * Request attribute set on a session's own host (an apps domain): the dashboard's address, or ""
   * when unknown. Berth's paths ({@code /ui/}, {@code /}) are not served there, so the page carries
   * its style itself and links to the dashboard by its full address.
   */
  static final String ON_SESSION_HOST = "berth.onSessionHost";

  private static final String STYLE = readStyle();

  /** One answer: status, machine code, title and the sentence that says what to do. */
  record Page(int status, String code, String title, String message) {}

  static Page unauthorized(String message) {
    return new Page(401, "unauthorized", "Log in to open this session", message);
  }

  static Page forbidden(String message) {
    return new Page(403, "forbidden", "This login is for another session", message);
  }

  static Page notFound(String message) {
    return new Page(404, "not_found", "No such session", message);
  }

  static void send(HttpServletRequest req, HttpServletResponse resp, Page page) throws IOException {
    send(req, resp, page, "", false);
  }

  /**
   * Writes {@code page}; {@code extraHtml} (already escaped) goes under the message, {@code
   * refresh} makes the browser ask again in two seconds (for a starting session).
   */
  static void send(
      HttpServletRequest req,
      HttpServletResponse resp,
      Page page,
      String extraHtml,
      boolean refresh)
      throws IOException {
    UnreadRequestBody.discard(req, resp);
    resp.setStatus(page.status());
    resp.setHeader("Cache-Control", "no-store");
    if (page.status() == 503) {
      resp.setHeader("Retry-After", "2");
    }
    String accept = req.getHeader("Accept");
    byte[] body;
    if (accept != null && accept.contains("text/html")) {
      resp.setContentType("text/html; charset=utf-8");
      Object dashboard = req.getAttribute(ON_SESSION_HOST);
      body =
          html(page, extraHtml, refresh, dashboard == null ? null : dashboard.toString())
              .getBytes(StandardCharsets.UTF_8);
    } else {
      resp.setContentType("application/json");
      body =
          ("{\"error\":{\"code\":\""
                  + page.code()
                  + "\",\"message\":\""
                  + json(page.message())
                  + "\"}}")
              .getBytes(StandardCharsets.UTF_8);
    }
    resp.setContentLength(body.length);
    if (!"HEAD".equals(req.getMethod())) {
      resp.getOutputStream().write(body);
    }
  }

  /** {@code dashboard}: null on Berth's own host, else see {@link #ON_SESSION_HOST}. */
  private static String html(Page page, String extraHtml, boolean refresh, String dashboard) {
    String style =
        dashboard == null
            ? "<link rel=\"stylesheet\" href=\"/ui/berth.css\">"
            : "<style>" + STYLE + "</style>";
    String brand =
        dashboard == null
            ? "<a href=\"/\">Berth</a>"
            : dashboard.isEmpty() ? "Berth" : "<a href=\"" + escape(dashboard) + "\">Berth</a>";
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + (refresh ? "<meta http-equiv=\"refresh\" content=\"2\">" : "")
        + "<title>"
        + escape(page.title())
        + " · Berth</title>"
        + style
        + "</head><body class=\"proxy-page\"><main class=\"card\" data-status=\""
        + page.status()
        + "\"><p class=\"brand\">"
        + brand
        + "</p><h1>"
        + escape(page.title())
        + "</h1><p class=\"message\">"
        + escape(page.message())
        + "</p>"
        + extraHtml
        + "</main></body></html>\n";
  }

  private static String readStyle() {
    try (var in = ProxyPages.class.getResourceAsStream("/dashboard/ui/berth.css")) {
      // The dashboard's own stylesheet; "</" cannot close the style element early.
      return in == null
          ? ""
          : new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("</", "<\\/");
    } catch (IOException e) {
      return "";
    }
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String json(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
