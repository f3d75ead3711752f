package dev.berth.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The header rules of the proxy, as pure functions (tested by equality). Berth is the edge: what a
 * client says about forwarding (X-Forwarded-*, Forwarded, the app's base-path header) is replaced,
 * never passed on; Berth's own credentials (its cookie, a Berth bearer token) never reach the app;
 * and the app's redirects and cookies are kept under the session's prefix.
 */
final class ProxyHeaders {
  /** The cookie that opens one session's proxy (path-scoped to {@code /s/<id>/}). */
  static final String COOKIE = "berth_proxy";

  // RFC 9110 7.6.1: meaningful for one connection only.
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  // Set by the HTTP client from the request itself, or by Berth below.
  private static final Set<String> NOT_FROM_CLIENT =
      Set.of(
          "host",
          "content-length",
          "expect",
          "forwarded",
          "x-forwarded-for",
          "x-forwarded-host",
          "x-forwarded-proto",
          "x-forwarded-port",
          "x-forwarded-prefix",
          "x-forwarded-server",
          "x-real-ip");

  private ProxyHeaders() {}

  record Header(String name, String value) {}

  /**
   * The client side of a request.
   *
   * @param scheme http or https, as Berth was reached
   * @param host the Host header the browser sent (its idea of where Berth is)
   */
  record Client(List<Header> headers, String ip, String scheme, String host, int port) {
    String origin() {
      return scheme + "://" + host;
    }
  }

  /**
   * The app's side.
   *
   * @param origin where the app answers, e.g. {@code http://127.0.0.1:32768}
   * @param prefix the session's public prefix, e.g. {@code /s/demo/}
   */
  record App(String origin, String prefix, boolean keepPrefix, Optional<String> basePathHeader) {
    String prefixWithoutSlash() {
      return prefix.substring(0, prefix.length() - 1);
    }
  }

  /** The headers the app receives. {@code webSocket}: the JDK client adds the handshake's own. */
  static List<Header> toApp(Client client, App app, boolean webSocket) {
    Set<String> drop = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    drop.addAll(HOP_BY_HOP);
    drop.addAll(NOT_FROM_CLIENT);
    app.basePathHeader().ifPresent(drop::add);
    for (Header h : client.headers()) {
      if (h.name().equalsIgnoreCase("connection")) {
        for (String token : h.value().split(",")) {
          drop.add(token.trim());
        }
      }
    }
    List<Header> out = new ArrayList<>();
    for (Header h : client.headers()) {
      String name = h.name();
      String lower = name.toLowerCase(Locale.ROOT);
      if (drop.contains(name) || (webSocket && lower.startsWith("sec-websocket-"))) {
        continue;
      }
      switch (lower) {
        case "cookie" -> withoutBerthCookie(h.value()).ifPresent(v -> out.add(new Header(name, v)));
        case "authorization" -> {
          if (!isBerthBearer(h.value())) {
            out.add(h);
          }
        }
        case "referer" -> out.add(new Header(name, referer(h.value(), client, app)));
        default -> out.add(h); // Origin too: it is compared with the Host below, as sent
      }
    }
    // The browser's Host, not the app's own address: apps compare it with Origin (Jupyter refuses
    // writes and WebSockets when they differ), build links from it, and Jupyter names its login
    // cookie after it; the app's address changes whenever the session restarts.
    out.add(new Header("Host", client.host()));
    out.add(new Header("X-Forwarded-For", client.ip()));
    out.add(new Header("X-Forwarded-Host", client.host()));
    out.add(new Header("X-Forwarded-Proto", client.scheme()));
    out.add(new Header("X-Forwarded-Port", Integer.toString(client.port())));
    if (!app.keepPrefix()) {
      out.add(new Header("X-Forwarded-Prefix", app.prefixWithoutSlash()));
    }
    app.basePathHeader().ifPresent(name -> out.add(new Header(name, app.prefixWithoutSlash())));
    return out;
  }

  /** True for {@code Authorization: Bearer berth_...}: Berth's credential, not the app's. */
  static boolean isBerthBearer(String authorization) {
    String v = authorization.trim();
    return v.regionMatches(true, 0, "bearer ", 0, 7) && v.substring(7).trim().startsWith("berth_");
  }

  /** The Cookie header without Berth's cookie; empty when nothing else is left. */
  static Optional<String> withoutBerthCookie(String cookieHeader) {
    List<String> kept = new ArrayList<>();
    for (String pair : cookieHeader.split(";")) {
      String p = pair.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      String name = (eq < 0 ? p : p.substring(0, eq)).trim();
      if (!name.equals(COOKIE)) {
        kept.add(p);
      }
    }
    return kept.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", kept));
  }

  /**
   * A same-origin Referer, as the app would have seen it without the proxy: the browser's origin
   * (the Host the app sees), with the prefix taken off for an app that does not know it.
   */
  private static String referer(String value, Client client, App app) {
    String origin = client.origin();
    if (app.keepPrefix()
        || !value.regionMatches(true, 0, origin, 0, origin.length())
        || (value.length() > origin.length() && value.charAt(origin.length()) != '/')) {
      return value;
    }
    String path = value.length() == origin.length() ? "/" : value.substring(origin.length());
    if (path.startsWith(app.prefix())) {
      path = path.substring(app.prefix().length() - 1);
    }
    return value.substring(0, origin.length()) + path;
  }

  /** The headers the client receives from the app's response. */
  static List<Header> toClient(List<Header> fromApp, App app, String publicOrigin) {
    Set<String> drop = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    drop.addAll(HOP_BY_HOP);
    drop.add("content-length"); // set from the response itself
    // Berth's server writes a Date of its own on every response: the app's would be a second.
    drop.add("date");
    for (Header h : fromApp) {
      if (h.name().equalsIgnoreCase("connection")) {
        for (String token : h.value().split(",")) {
          drop.add(token.trim());
        }
      }
    }
    List<Header> out = new ArrayList<>();
    for (Header h : fromApp) {
      if (drop.contains(h.name()) || h.name().startsWith(":") || hasLineBreak(h.value())) {
        continue;
      }
      switch (h.name().toLowerCase(Locale.ROOT)) {
        case "location", "content-location" ->
            out.add(new Header(h.name(), location(h.value(), app, publicOrigin)));
        case "set-cookie" ->
            setCookie(h.value(), app).ifPresent(v -> out.add(new Header(h.name(), v)));
        default -> out.add(h);
      }
    }
    return out;
  }

  private static boolean hasLineBreak(String value) {
    return value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0;
  }

  /**
   * A redirect target kept under the prefix: the app's own absolute URLs become public paths, paths
   * outside the prefix get it, relative references and other sites are left alone.
   */
  static String location(String value, App app, String publicOrigin) {
    if (startsWithOrigin(value, app.origin())) {
      return underPrefix(pathAfterOrigin(value, app.origin()), app);
    }
    // The app builds absolute URLs from the Host it sees (the browser's): with the scheme it was
    // told, or plain http when it was not.
    for (String own : List.of(publicOrigin, otherScheme(publicOrigin))) {
      if (!own.isEmpty() && startsWithOrigin(value, own)) {
        return publicOrigin + underPrefix(pathAfterOrigin(value, own), app);
      }
    }
    if (value.startsWith("/") && !value.startsWith("//")) {
      return underPrefix(value, app);
    }
    return value;
  }

  private static String otherScheme(String origin) {
    if (origin.startsWith("https://")) {
      return "http://" + origin.substring(8);
    }
    return origin.startsWith("http://") ? "https://" + origin.substring(7) : "";
  }

  private static boolean startsWithOrigin(String url, String origin) {
    if (!url.regionMatches(true, 0, origin, 0, origin.length())) {
      return false;
    }
    if (url.length() == origin.length()) {
      return true;
    }
    char next = url.charAt(origin.length());
    return next == '/' || next == '?' || next == '#';
  }

  private static String pathAfterOrigin(String url, String origin) {
    String rest = url.substring(origin.length());
    return rest.startsWith("/") ? rest : "/" + rest;
  }

  private static String underPrefix(String path, App app) {
    if (path.startsWith(app.prefix()) || path.equals(app.prefixWithoutSlash())) {
      return path;
    }
    return app.prefix() + path.substring(1);
  }

  /**
   * An app cookie kept under the prefix: its Path is moved under it, its Domain dropped (the app's
   * host is not the browser's), and a cookie named like Berth's is refused.
   */
  static Optional<String> setCookie(String value, App app) {
    String[] parts = value.split(";");
    String nameValue = parts[0].trim();
    int eq = nameValue.indexOf('=');
    String name = (eq < 0 ? nameValue : nameValue.substring(0, eq)).trim();
    if (name.equals(COOKIE)) {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder(nameValue);
    for (int i = 1; i < parts.length; i++) {
      String attr = parts[i].trim();
      if (attr.isEmpty()) {
        continue;
      }
      int aeq = attr.indexOf('=');
      String key = (aeq < 0 ? attr : attr.substring(0, aeq)).trim();
      String v = aeq < 0 ? "" : attr.substring(aeq + 1).trim();
      if (key.equalsIgnoreCase("domain")) {
        continue;
      }
      if (key.equalsIgnoreCase("path")) {
        attr = "Path=" + (v.startsWith("/") ? underPrefix(v, app) : app.prefix());
      }
      out.append("; ").append(attr);
    }
    return Optional.of(out.toString());
  }
}
