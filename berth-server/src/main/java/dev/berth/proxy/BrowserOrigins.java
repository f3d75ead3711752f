package dev.berth.proxy;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.config.TrustedProxies;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Where browsers reach Berth and the sessions' apps, from the configuration's {@code publicUrl} and
 * {@code appsDomain} (both validated by the config loader; empty means not set).
 *
 * <p>With an apps domain, session {@code id}'s app is served at {@code
 * <scheme>://<id>.<appsDomain>[:<port>]/s/<id>/}: a browser origin of its own, so script in one app
 * can neither use the dashboard's login nor reach another session. The scheme and port are the
 * public address's when it is set, else those of the request (what the browser used).
 *
 * @param publicUrl e.g. {@code https://berth.example.org}, without a trailing slash; "" when unset
 * @param appsDomain e.g. {@code apps.example.org}; "" when apps share Berth's origin
 * @param trustedProxies the reverse proxies whose {@code X-Forwarded-*} headers say how the browser
 *     reached Berth when {@code publicUrl} does not ({@link BrowserAddress})
 */
public record BrowserOrigins(String publicUrl, String appsDomain, TrustedProxies trustedProxies) {

  public BrowserOrigins {
    publicUrl = publicUrl == null ? "" : publicUrl;
    appsDomain = appsDomain == null ? "" : appsDomain.toLowerCase(Locale.ROOT);
    trustedProxies = trustedProxies == null ? TrustedProxies.none() : trustedProxies;
  }

  /** Without trusted proxies. */
  public BrowserOrigins(String publicUrl, String appsDomain) {
    this(publicUrl, appsDomain, TrustedProxies.none());
  }

  /** Nothing configured: every address is taken from the request, apps share Berth's origin. */
  public static BrowserOrigins none() {
    return new BrowserOrigins("", "");
  }

  /**
   * The scheme the browser used for {@code req}: https behind a trusted TLS-terminating proxy that
   * says so, else the request's own.
   */
  public String scheme(jakarta.servlet.http.HttpServletRequest req) {
    return BrowserAddress.of(req, trustedProxies).scheme();
  }

  /** The Host the browser used for {@code req} (a trusted proxy's X-Forwarded-Host, else Host). */
  public String host(jakarta.servlet.http.HttpServletRequest req) {
    return BrowserAddress.of(req, trustedProxies).host();
  }

  /**
   * Whether a page at {@code origin} (a request's {@code Origin} header, null when absent) is one
   * of Berth's own pages for {@code req}, so that a WebSocket it opens may ride the dashboard's
   * login: the page's host and port are where the browser reached Berth for this request (a trusted
   * proxy's {@code X-Forwarded-Host}, else {@code Host}: {@link BrowserAddress}, the rule the proxy
   * tells apps by) or the public address's. A session's host under the apps domain never is.
   *
   * <p>The scheme is not compared: behind a TLS-terminating proxy that is not trusted Berth cannot
   * know it, and only a page served from Berth's host and port (Berth itself) can send that host.
   */
  public boolean ownPage(String origin, jakarta.servlet.http.HttpServletRequest req) {
    return ownPage(origin, BrowserAddress.of(req, trustedProxies).host());
  }

  /** {@link #ownPage(String, jakarta.servlet.http.HttpServletRequest)} as a pure rule. */
  boolean ownPage(String origin, String browserHost) {
    URI page;
    try {
      page = origin == null ? null : new URI(origin);
    } catch (java.net.URISyntaxException e) {
      return false;
    }
    // "null" (a sandboxed frame, a file) and anything else without a host is nobody's page.
    if (page == null || page.getHost() == null || page.getScheme() == null) {
      return false;
    }
    if (!(hostKind(page.getRawAuthority()) instanceof MainHost)) {
      return false;
    }
    return sameHostAndPort(page, browserHost)
        || (!publicUrl.isEmpty() && sameHostAndPort(page, URI.create(publicUrl).getRawAuthority()));
  }

  /** {@code hostAndPort} (a Host header's form) names the page's host and port. */
  private static boolean sameHostAndPort(URI page, String hostAndPort) {
    if (hostAndPort == null || hostAndPort.isBlank()) {
      return false;
    }
    String h = hostAndPort.strip();
    String name = hostName(h);
    String port = h.substring(name.length());
    int defaultPort = page.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    int pagePort = page.getPort() < 0 ? defaultPort : page.getPort();
    int givenPort;
    if (port.isEmpty()) {
      givenPort = defaultPort; // a Host without a port means the page's scheme's default
    } else if (port.matches(":[0-9]{1,5}")) {
      givenPort = Integer.parseInt(port.substring(1));
    } else {
      return false;
    }
    return name.equalsIgnoreCase(page.getHost()) && givenPort == pagePort;
  }

  /** True when each session's app has a host of its own. */
  public boolean appsOnOwnHosts() {
    return !appsDomain.isEmpty();
  }

  /** True when browsers reach Berth over https (behind a TLS-terminating proxy, say). */
  public boolean secureCookies() {
    return publicUrl.startsWith("https://");
  }

  /** The dashboard's address, when the public address is known. */
  public Optional<String> dashboardUrl() {
    return publicUrl.isEmpty() ? Optional.empty() : Optional.of(publicUrl + "/");
  }

  /** What a request's Host names. */
  sealed interface HostKind {}

  /** Berth's own host (any host not under the apps domain, and the apps domain itself). */
  record MainHost() implements HostKind {}

  /** {@code <id>.<appsDomain>}: session {@code id}'s app. */
  record SessionHost(SessionId id) implements HostKind {}

  /** A host under the apps domain that names no session ({@code x_y.apps...}, {@code a.b.apps}). */
  record NoSessionHost(String host) implements HostKind {}

  /** Sorts a {@code Host} header (null: absent) into Berth's own host and sessions' hosts. */
  HostKind hostKind(String hostHeader) {
    if (appsDomain.isEmpty() || hostHeader == null) {
      return new MainHost();
    }
    String host = hostName(hostHeader).toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1); // the fully qualified form names the same host
    }
    String suffix = "." + appsDomain;
    if (!host.endsWith(suffix)) {
      return new MainHost();
    }
    String label = host.substring(0, host.length() - suffix.length());
    try {
      return new SessionHost(SessionId.of(label));
    } catch (BerthException e) {
      return new NoSessionHost(host);
    }
  }

  /**
   * Session {@code id}'s origin, e.g. {@code https://demo.apps.example.org}: the public address's
   * scheme and port, else the request's scheme and the port in its {@code Host}.
   */
  public String sessionOrigin(SessionId id, String requestScheme, String hostHeader) {
    return scheme(requestScheme) + "://" + id.value() + "." + appsDomain + portSuffix(hostHeader);
  }

  /**
   * The origin a session's app is opened at: its own host with an apps domain, else Berth's (the
   * public address, or the request's scheme and Host).
   */
  public String appOrigin(SessionId id, String requestScheme, String hostHeader) {
    if (appsOnOwnHosts()) {
      return sessionOrigin(id, requestScheme, hostHeader);
    }
    if (!publicUrl.isEmpty()) {
      return publicUrl;
    }
    return hostHeader == null ? "" : requestScheme + "://" + hostHeader;
  }

  /**
   * How the browser reached Berth, for the forwarding headers the app receives: the public address
   * when set (with the session's host name on a session host), else the request's own.
   */
  ProxyHeaders.Client client(
      ProxyHeaders.Client fromRequest, Optional<SessionId> sessionHost, String hostHeader) {
    if (publicUrl.isEmpty()) {
      return fromRequest;
    }
    URI uri = URI.create(publicUrl);
    int port = uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
    String name = sessionHost.map(id -> id.value() + "." + appsDomain).orElse(uri.getHost());
    return new ProxyHeaders.Client(
        fromRequest.headers(),
        fromRequest.ip(),
        uri.getScheme(),
        name + portSuffix(hostHeader),
        port);
  }

  private String scheme(String requestScheme) {
    return publicUrl.isEmpty() ? requestScheme : URI.create(publicUrl).getScheme();
  }

  /** ":<port>" when the address has a port of its own, "" for the scheme's default. */
  private String portSuffix(String hostHeader) {
    if (!publicUrl.isEmpty()) {
      int port = URI.create(publicUrl).getPort();
      return port < 0 ? "" : ":" + port;
    }
    if (hostHeader == null) {
      return "";
    }
    String h = hostHeader.strip();
    String port = h.substring(hostName(h).length());
    // Only a port: whatever else a client puts in Host never gets into an address Berth makes.
    return port.matches(":[0-9]{1,5}") ? port : "";
  }

  /** The host name of a Host header: without its port; an IPv6 literal keeps its brackets. */
  static String hostName(String hostHeader) {
    String h = hostHeader.strip();
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.lastIndexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }
}
