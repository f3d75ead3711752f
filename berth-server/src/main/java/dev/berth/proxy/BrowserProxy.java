package dev.berth.proxy;

import dev.berth.auth.BrowserLogins;
import dev.berth.auth.Tokens;
import dev.berth.service.SessionService;
import jakarta.servlet.DispatcherType;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The browser proxy at {@code /s/<session>/...}: HTTP and WebSocket into a session's app, behind
 * Berth's login. Mounted into the server's Jetty next to the REST API (the Javalin before-handlers
 * do not run for it; it checks access itself). With an apps domain, each session's app is served on
 * a host of its own ({@link SessionHosts}).
 */
public final class BrowserProxy implements AutoCloseable {
  public static final String PATH = "/s/*";

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient client;
  private final ProxyServlet servlet;
  private final BrowserOrigins origins;

  public BrowserProxy(SessionService sessions, Tokens tokens, BrowserLogins logins) {
    this(sessions, tokens, logins, BrowserOrigins.none());
  }

  /** {@code origins}: the public address and apps domain ({@link BrowserOrigins}). */
  public BrowserProxy(
      SessionService sessions, Tokens tokens, BrowserLogins logins, BrowserOrigins origins) {
    this.origins = origins;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(executor)
            .build();
    var webSockets = new WebSocketUpgrade(client, id -> sessions.recordActivity(id, "proxy"));
    this.servlet =
        new ProxyServlet(
            sessions,
            new ProxyAccess(tokens, logins),
            new HttpForwarder(client),
            webSockets,
            executor,
            origins);
  }

  public BrowserOrigins origins() {
    return origins;
  }

  /** Adds the proxy to the server's servlet context. */
  public void mount(ServletContextHandler context) {
    var holder = new ServletHolder("berth-proxy", servlet);
    holder.setAsyncSupported(true);
    context.addServlet(holder, PATH);
    if (origins.appsOnOwnHosts()) {
      // First of all filters: on a session's host nothing else of Berth's may answer.
      var filter = new FilterHolder(new SessionHostFilter(origins));
      filter.setName("berth-session-hosts");
      filter.setAsyncSupported(true);
      var mapping = new FilterMapping();
      mapping.setFilterName(filter.getName());
      mapping.setPathSpec("/*");
      mapping.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
      context.getServletHandler().prependFilter(filter);
      context.getServletHandler().prependFilterMapping(mapping);
    }
  }

  @Override
  public void close() {
    client.shutdownNow();
    executor.shutdownNow();
  }
}
