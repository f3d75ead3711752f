package dev.berth.proxy;

import dev.berth.auth.BrowserLogins.ProxyLogin;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.http.UnreadRequestBody;
import dev.berth.proxy.ProxyAccess.Denied;
import dev.berth.proxy.ProxyAccess.Granted;
import dev.berth.proxy.ProxyAccess.LoggedIn;
import dev.berth.proxy.ProxyHeaders.Header;
import dev.berth.proxy.ProxyPages.Page;
import dev.berth.service.SessionService;
import dev.berth.session.Session;
import dev.berth.template.ProxySettings;
import dev.berth.template.Template;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /s/<session>/...}: checks who is asking, looks the session up, answers with a page when
 * its app cannot take the request (unknown, starting, stopped, failed), and otherwise hands the
 * request to the app: plain HTTP through {@link HttpForwarder} on a virtual thread (a long download
 * or event stream holds no server thread), WebSocket upgrades to {@link WebSocketUpgrade}.
 */
final class ProxyServlet extends HttpServlet {
  private static final Logger log = LoggerFactory.getLogger(ProxyServlet.class);

  private final transient SessionService sessions;
  private final transient ProxyAccess access;
  private final transient HttpForwarder forwarder;
  private final transient WebSocketUpgrade webSockets;
  private final transient ExecutorService executor;
  private final transient BrowserOrigins origins;

  ProxyServlet(
      SessionService sessions,
      ProxyAccess access,
      HttpForwarder forwarder,
      WebSocketUpgrade webSockets,
      ExecutorService executor,
      BrowserOrigins origins) {
    this.origins = origins;
    this.sessions = sessions;
    this.access = access;
    this.forwarder = forwarder;
    this.webSockets = webSockets;
    this.executor = executor;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String query = req.getQueryString();
    ProxyRoute.Target target;
    switch (ProxyRoute.parse(req.getRequestURI())) {
      case ProxyRoute.NotFound nf -> {
        ProxyPages.send(req, resp, ProxyPages.notFound("There is no session here: " + nf.reason()));
        return;
      }
      case ProxyRoute.AddSlash add -> {
        redirect(resp, 308, add.location(), query);
        return;
      }
      case ProxyRoute.Target t -> target = t;
    }
    boolean webSocket = WebSocketUpgrade.isUpgrade(req);
    String queryToken = QueryTokens.berthToken(query);
    boolean readOnly = req.getMethod().equals("GET") || req.getMethod().equals("HEAD");
    if (queryToken != null && readOnly && !webSocket) {
      login(req, resp, target, queryToken, query);
      return;
    }
    ProxyLogin login;
    switch (access.authenticate(req, target.session(), queryToken)) {
      case Denied d -> {
        ProxyPages.send(req, resp, d.page());
        return;
      }
      case Granted g -> {
        UnreadRequestBody.authenticated(req);
        login = g.login();
      }
    }
    Session session;
    try {
      session = sessions.get(target.session());
    } catch (BerthException e) {
      ProxyPages.send(
          req, resp, ProxyPages.notFound("Session '" + target.session() + "' does not exist."));
      return;
    }
    if (!SessionStates.answerIfNotRunning(req, resp, session, login)) {
      return;
    }
    Template template = templateOf(session);
    if (target.containerCandidate().isPresent()) {
      var c = target.containerCandidate().get();
      boolean declared =
          template.containers().get(c.type()).map(x -> x.ports().contains(c.port())).orElse(false);
      if (declared) {
        target = target.forContainer(c);
        if (target.needsSlash()) {
          redirect(resp, 308, target.prefix(), query);
          return;
        }
      }
    }
    if (target.container().isEmpty() && template.app().ports().isEmpty()) {
      ProxyPages.send(
          req,
          resp,
          new Page(
              404,
              "not_found",
              "This session has no app",
              "Session '"
                  + session.id()
                  + "' runs template '"
                  + session.template()
                  + "', which declares no ports: there is nothing to open in a browser."));
      return;
    }
    if (target.portCandidate().isPresent()
        && template.app().ports().contains(target.portCandidate().getAsInt())) {
      target = target.forPort(target.portCandidate().getAsInt());
      if (target.needsSlash()) {
        redirect(resp, 308, target.prefix(), query);
        return;
      }
    }
    String undeclared = null;
    if (target.portCandidate().isPresent() && target.container().isEmpty()) {
      int n = target.portCandidate().getAsInt();
      var reached =
          UndeclaredPorts.endpoint(session.endpoints().get(template.app().ports().getFirst()), n);
      if (reached.isEmpty()) {
        ProxyPages.send(
            req,
            resp,
            new Page(
                404,
                "not_found",
                "This port is not open through the proxy",
                "Port "
                    + n
                    + " is not declared by template '"
                    + session.template()
                    + "', and session '"
                    + session.id()
                    + "' is reached through a port of this machine (the local backend, or"
                    + " Docker publishing ports on 127.0.0.1), where port "
                    + n
                    + " may belong to the host or another session: declare it in the"
                    + " template's app ports to open it."));
        return;
      }
      target = target.forPort(n);
      if (target.needsSlash()) {
        redirect(resp, 308, target.prefix(), query);
        return;
      }
      undeclared = reached.get();
    }
    int port = target.port().orElseGet(() -> template.app().ports().getFirst());
    String endpoint =
        undeclared != null
            ? undeclared
            : target.container().isPresent()
                ? sessions
                    .containers()
                    .endpoint(session.id(), target.container().get(), port)
                    .orElse(null)
                : session.endpoints().get(port);
    if (endpoint == null) {
      ProxyPages.send(
          req,
          resp,
          new Page(
              502,
              "bad_gateway",
              "The app has no address",
              "Session '"
                  + session.id()
                  + "' is running but port "
                  + port
                  + target.container().map(c -> " of its container '" + c + "'").orElse("")
                  + " has no endpoint"
                  + (target.container().isPresent() ? " (is the container running?)." : ".")));
      return;
    }
    // An extra container has no proxy settings of its own: its prefix is stripped.
    ProxySettings settings =
        target.container().isPresent() ? ProxySettings.DEFAULT : template.app().proxy();
    var app =
        new ProxyHeaders.App(
            origin(endpoint), target.prefix(), settings.keepPrefix(), settings.basePathHeader());
    var client = client(req);
    String path = target.upstreamPath(settings.keepPrefix());
    String appQuery = QueryTokens.withoutBerthTokens(query);
    String pathAndQuery = appQuery.isEmpty() ? path : path + "?" + appQuery;
    URI uri;
    try {
      uri = URI.create(app.origin() + pathAndQuery);
    } catch (IllegalArgumentException e) {
      ProxyPages.send(
          req,
          resp,
          new Page(
              400,
              "bad_request",
              "This address cannot be forwarded",
              "The path or query has characters that are not allowed in a URL; encode them."));
      return;
    }
    sessions.recordActivity(session.id(), "proxy");
    if (webSocket) {
      webSockets.relay(
          session.id(), req, resp, URI.create("ws" + uri.toString().substring(4)), client, app);
      return;
    }
    forwardAsync(req, resp, uri, ProxyHeaders.toApp(client, app, false), app, client.origin());
  }

  private void forwardAsync(
      HttpServletRequest req,
      HttpServletResponse resp,
      URI uri,
      List<Header> headers,
      ProxyHeaders.App app,
      String publicOrigin) {
    AsyncContext async = req.startAsync();
    async.setTimeout(0); // an event stream may stay open for hours
    executor.execute(
        () -> {
          try {
            forwarder.forward(req, resp, uri, headers, app, publicOrigin);
          } catch (HttpForwarder.AppUnreachable e) {
            log.debug("{}: {}", uri, e.getMessage());
            sendIfUncommitted(
                req,
                resp,
                new Page(
                    502,
                    "bad_gateway",
                    "The app did not answer",
                    "The session is running but its app did not answer on its port. It may be"
                        + " starting up or have stopped listening; try again, or look at the"
                        + " session's log."));
          } catch (IOException e) {
            log.debug("{}: client went away: {}", uri, e.toString());
          } catch (RuntimeException e) {
            String ref = Long.toHexString(System.nanoTime());
            log.error("proxy error [{}] on {}", ref, uri, e);
            sendIfUncommitted(
                req,
                resp,
                new Page(
                    500,
                    "internal",
                    "Berth failed",
                    "Internal error (reference " + ref + " in the server log)."));
          } finally {
            async.complete();
          }
        });
  }

  private static void sendIfUncommitted(HttpServletRequest req, HttpServletResponse resp, Page p) {
    if (resp.isCommitted()) {
      return;
    }
    try {
      resp.reset();
      ProxyPages.send(req, resp, p);
    } catch (IOException | IllegalStateException e) {
      log.debug("could not send {}: {}", p.status(), e.toString());
    }
  }

  /** {@code ?token=}: the cookie, then the same address without the token (never a loop). */
  private void login(
      HttpServletRequest req,
      HttpServletResponse resp,
      ProxyRoute.Target target,
      String token,
      String query)
      throws IOException {
    String clean = QueryTokens.withoutBerthTokens(query);
    switch (access.login(token, target.session())) {
      case LoggedIn in -> {
        Cookies.setProxyCookie(req, resp, target.session(), in.cookie(), origins);
        redirect(resp, 303, target.path(), clean);
      }
      case Denied d -> {
        // A stale link in a browser that is already logged in: just go on without it.
        if (access.authenticate(req, target.session(), null) instanceof Granted) {
          redirect(resp, 303, target.path(), clean);
        } else {
          ProxyPages.send(req, resp, d.page());
        }
      }
    }
  }

  private static void redirect(HttpServletResponse resp, int status, String path, String query) {
    resp.setStatus(status);
    resp.setHeader("Cache-Control", "no-store");
    resp.setHeader("Location", query == null || query.isEmpty() ? path : path + "?" + query);
  }

  private Template templateOf(Session s) {
    try {
      return sessions.templates().get(s.template());
    } catch (BerthException e) {
      if (e.code() != ErrorCode.NOT_FOUND && e.code() != ErrorCode.BAD_REQUEST) {
        throw e;
      }
      return Template.placeholder(s.template());
    }
  }

  private static String origin(String endpoint) {
    return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
  }

  private ProxyHeaders.Client client(HttpServletRequest req) {
    List<Header> headers = new ArrayList<>();
    for (String name : Collections.list(req.getHeaderNames())) {
      for (String value : Collections.list(req.getHeaders(name))) {
        headers.add(new Header(name, value));
      }
    }
    BrowserAddress reached = BrowserAddress.of(req, origins.trustedProxies());
    var fromRequest =
        new ProxyHeaders.Client(
            headers, reached.clientIps(), reached.scheme(), reached.host(), reached.port());
    Optional<SessionId> sessionHost =
        origins.hostKind(req.getHeader("Host")) instanceof BrowserOrigins.SessionHost s
            ? Optional.of(s.id())
            : Optional.empty();
    return origins.client(fromRequest, sessionHost, req.getHeader("Host"));
  }
}
