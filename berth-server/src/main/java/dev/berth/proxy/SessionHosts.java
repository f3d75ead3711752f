package dev.berth.proxy;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.proxy.BrowserOrigins.MainHost;
import dev.berth.proxy.BrowserOrigins.NoSessionHost;
import dev.berth.proxy.BrowserOrigins.SessionHost;
import dev.berth.proxy.ProxyPages.Page;
import dev.berth.template.ProxySettings;
import java.util.Optional;

/**
 * Which host serves what when sessions' apps have hosts of their own (an apps domain): a pure
 * function of the request, applied to every request by {@link SessionHostFilter}.
 *
 * <ul>
 *   <li>On Berth's own host, {@code /s/<id>/...} is sent to the same path on the session's host (a
 *       303 for GET and HEAD, login links included; 421 for anything else, which a redirect would
 *       turn into a GET), so an app never runs on the dashboard's origin.
 *   <li>On {@code <id>.<appsDomain>}, only {@code /s/<id>/...} is served: the API, the dashboard,
 *       MCP and other sessions' paths are 404 there, so an app's script finds nothing of Berth's on
 *       its own origin, and Berth's cookies (host-only) are never sent to it.
 *   <li>A host under the apps domain that names no session: 404.
 * </ul>
 */
final class SessionHosts {
  private SessionHosts() {}

  sealed interface Decision {}

  /** Serve it; {@code sessionHost} is the session whose host the request came to, if any. */
  record Pass(Optional<SessionId> sessionHost) implements Decision {}

  /** 303 to {@code location}. */
  record Redirect(String location) implements Decision {}

  /** Answer with {@code page}. */
  record Refuse(Page page) implements Decision {}

  /**
   * @param browserScheme the scheme the browser used ({@link BrowserAddress}: a trusted reverse
   *     proxy's {@code X-Forwarded-Proto}, else the request's), for the session host's address
   * @param hostHeader the request's {@code Host}, which tells Berth's host and sessions' apart
   * @param browserHost the host the browser used (a trusted proxy's {@code X-Forwarded-Host}, else
   *     {@code Host}): its port goes into the session host's address
   * @param rawPath the path as sent (still percent-encoded)
   * @param decodedPath the path as the server maps it (decoded, dot segments resolved)
   * @param rawQuery the query, or null
   */
  static Decision route(
      BrowserOrigins origins,
      String method,
      boolean webSocketUpgrade,
      String browserScheme,
      String hostHeader,
      String browserHost,
      String rawPath,
      String decodedPath,
      String rawQuery) {
    if (!origins.appsOnOwnHosts()) {
      return new Pass(Optional.empty());
    }
    return switch (origins.hostKind(hostHeader)) {
      case MainHost m -> {
        Optional<SessionId> id = sessionInPath(rawPath);
        if (id.isEmpty()) {
          yield new Pass(Optional.empty());
        }
        String origin = origins.sessionOrigin(id.get(), browserScheme, browserHost);
        boolean readOnly = method.equals("GET") || method.equals("HEAD");
        if (readOnly && !webSocketUpgrade) {
          yield new Redirect(origin + rawPath + (rawQuery == null ? "" : "?" + rawQuery));
        }
        yield new Refuse(
            new Page(
                421,
                "misdirected",
                "Use the session's own address",
                "Session '"
                    + id.get()
                    + "''s app is served at "
                    + origin
                    + ProxySettings.basePath(id.get())
                    + " only, not at Berth's own address: send this request there."));
      }
      case NoSessionHost n ->
          new Refuse(
              ProxyPages.notFound(
                  "'"
                      + n.host()
                      + "' is not a session's address: sessions' apps are at <session"
                      + " id>."
                      + origins.appsDomain()
                      + "."));
      case SessionHost s -> {
        if (within(rawPath, s.id()) && within(decodedPath, s.id())) {
          yield new Pass(Optional.of(s.id()));
        }
        yield new Refuse(
            new Page(
                404,
                "not_found",
                "Not served here",
                "This address serves session '"
                    + s.id()
                    + "''s app only, under "
                    + ProxySettings.basePath(s.id())
                    + ". The Berth dashboard, its API and other sessions are at Berth's own"
                    + " address"
                    + origins.dashboardUrl().map(u -> " (" + u + ")").orElse("")
                    + "."));
      }
    };
  }

  /** The session of a {@code /s/<id>} or {@code /s/<id>/...} path. */
  static Optional<SessionId> sessionInPath(String path) {
    if (path == null || !path.startsWith("/s/")) {
      return Optional.empty();
    }
    String rest = path.substring(3);
    int slash = rest.indexOf('/');
    try {
      return Optional.of(SessionId.of(slash < 0 ? rest : rest.substring(0, slash)));
    } catch (BerthException e) {
      return Optional.empty();
    }
  }

  private static boolean within(String path, SessionId id) {
    String prefix = ProxySettings.basePath(id);
    return path != null
        && (path.startsWith(prefix) || path.equals(prefix.substring(0, prefix.length() - 1)));
  }
}
