package dev.berth.proxy;

import dev.berth.auth.BrowserLogins;
import dev.berth.auth.Tokens;
import dev.berth.service.SessionService;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
    requireHostHeaderAllowed();
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

  /** The JVM setting the proxy needs: {@code jdk.httpclient.allowRestrictedHeaders=host}. */
  public static final String ALLOW_HOST_PROPERTY = "jdk.httpclient.allowRestrictedHeaders";

  /**
   * The proxy sends apps the browser's {@code Host} ({@link ProxyHeaders#toApp}); the JDK HTTP
   * client allows that only when the JVM was started with {@code
   * -Djdk.httpclient.allowRestrictedHeaders=host} (read once, when the client's classes load;
   * {@code berth}'s main sets it first thing). Without it every app would see its own address as
   * Host, so fail here, at start-up, rather than serve apps that refuse their users.
   */
  static void requireHostHeaderAllowed() {
    try {
      HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).header("Host", "berth.check");
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "the browser proxy must send apps the browser's Host header, which the JDK HTTP client"
              + " refuses unless the JVM starts with -D"
              + ALLOW_HOST_PROPERTY
              + "=host (the berth command sets it; an embedding program or test must set it"
              + " before any java.net.http class is used)",
          e);
    }
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
