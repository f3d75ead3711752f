package dev.berth.proxy;

import dev.berth.auth.BrowserLogins;
import dev.berth.auth.Tokens;
import dev.berth.session.SessionService;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The browser proxy at {@code /s/<session>/...}: HTTP and WebSocket into a session's app, behind
 * Berth's login. Mounted into the server's Jetty next to the REST API (the Javalin before-handlers
 * do not run for it; it checks access itself).
 */
public final class BrowserProxy implements AutoCloseable {
  public static final String PATH = "/s/*";

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient client;
  private final ProxyServlet servlet;

  public BrowserProxy(SessionService sessions, Tokens tokens, BrowserLogins logins) {
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
            executor);
  }

  /** Adds the proxy to the server's servlet context. */
  public void mount(ServletContextHandler context) {
    var holder = new ServletHolder("berth-proxy", servlet);
    holder.setAsyncSupported(true);
    context.addServlet(holder, PATH);
  }

  @Override
  public void close() {
    client.shutdownNow();
    executor.shutdownNow();
  }
}
