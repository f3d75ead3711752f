package dev.berth.proxy;

import dev.berth.auth.BrowserLogins.ProxyLogin;
import dev.berth.proxy.ProxyPages.Page;
import dev.berth.session.Session;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The pages for a session whose app cannot take requests: starting, stopped, failed. */
final class SessionStates {
  private SessionStates() {}

  /** True when the session is running; otherwise writes the page that says why not. */
  static boolean answerIfNotRunning(
      HttpServletRequest req, HttpServletResponse resp, Session s, ProxyLogin login)
      throws IOException {
    String id = s.id().value();
    switch (s.status()) {
      case RUNNING -> {
        return true;
      }
      case PENDING, STARTING ->
          ProxyPages.send(
              req,
              resp,
              new Page(
                  503,
                  "starting",
                  "Session " + id + " is starting",
                  "Its app is not ready yet. This page reloads by itself until it is."),
              "<p class=\"spinner\" aria-hidden=\"true\"></p>",
              true);
      case STOPPING, STOPPED ->
          ProxyPages.send(
              req,
              resp,
              new Page(
                  503,
                  "stopped",
                  "Session " + id + " is stopped",
                  "Its workspace is kept; its app is not running. "
                      + (login.admin()
                          ? "Start it again to open it."
                          : "Ask the person who runs Berth to start it again.")),
              login.admin() ? startButton(req, id) : "",
              false);
      case FAILED ->
          ProxyPages.send(
              req,
              resp,
              new Page(
                  502,
                  "failed",
                  "Session " + id + " has failed",
                  s.statusReason().isEmpty()
                      ? "Its app is not running. See the session's events in the dashboard."
                      : "Its app is not running: " + s.statusReason()),
              login.admin() ? startButton(req, id) : "",
              false);
      case DELETED ->
          ProxyPages.send(
              req, resp, ProxyPages.notFound("Session '" + id + "' was deleted."), "", false);
    }
    return false;
  }

  /**
   * The admin's start button: it calls the REST API with the dashboard's login (the proxy cookie
   * opens the app, it does not carry the admin's rights). On a session's own host, a pointer to the
   * dashboard instead.
   */
  private static String startButton(HttpServletRequest req, String id) {
    Object dashboard = req.getAttribute(ProxyPages.ON_SESSION_HOST);
    if (dashboard != null) {
      // On the session's own host the API is not served (nor is the dashboard's login sent).
      return dashboard.toString().isEmpty()
          ? "<p id=\"start-in-dashboard\" class=\"muted\">Start it from the Berth dashboard,"
              + " then reload this page.</p>"
          : "<p><a id=\"start-in-dashboard\" class=\"button\" href=\""
              + ProxyPages.escape(dashboard.toString())
              + "\">Start it from the dashboard</a></p>";
    }
    return "<p><button id=\"start\" class=\"primary\" data-session=\""
        + ProxyPages.escape(id)
        + "\">Start session</button></p><p id=\"start-message\" class=\"muted\"></p>"
        + "<script src=\"/ui/start-session.js\"></script>";
  }
}
