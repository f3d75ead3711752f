package dev.berth.proxy;

import io.javalin.Javalin;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServerContainer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import tools.jackson.databind.json.JsonMapper;

/**
 * The app the proxy tests (and the browser test) run in a session on the local backend: a page with
 * a WebSocket echo, and endpoints that show what the app received and that stream. It serves under
 * {@code APP_PREFIX} (default {@code /}) on {@code PORT}; {@code /healthz} is always at the root
 * for the readiness probe. Started as its own JVM by the session's template.
 */
public final class ProxyTestApp {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  static final AtomicLong written = new AtomicLong();
  static final AtomicLong received = new AtomicLong();
  static final AtomicReference<CountDownLatch> release =
      new AtomicReference<>(new CountDownLatch(1));
  static final AtomicReference<CountDownLatch> resume =
      new AtomicReference<>(new CountDownLatch(1));
  static final AtomicInteger lastCloseCode = new AtomicInteger();
  static final AtomicReference<String> lastCloseReason = new AtomicReference<>("");

  private ProxyTestApp() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(System.getenv("PORT"));
    String prefix = System.getenv().getOrDefault("APP_PREFIX", "/");
    String p = prefix.endsWith("/") ? prefix : prefix + "/";
    Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jetty.modifyServletContextHandler(
                  ctx -> {
                    var holder = new ServletHolder(new EchoUpgrade());
                    ctx.addServlet(holder, p + "ws");
                    ctx.addServlet(new ServletHolder(new EchoUpgrade()), p + "ws-second");
                  });
              var r = config.routes;
              r.get("/healthz", ctx -> ctx.result("ok"));
              r.get(p, ctx -> ctx.html(page(System.getenv("BERTH_SESSION_ID"))));
              r.get(p + "headers", ProxyTestApp::headers);
              r.post(p + "headers", ProxyTestApp::headers);
              r.post(
                  p + "echo",
                  ctx -> ctx.contentType("text/plain").result(ctx.req().getInputStream()));
              r.get(
                  p + "redirect", ctx -> ctx.status(302).header("Location", ctx.queryParam("to")));
              r.get(
                  p + "cookie",
                  ctx -> {
                    ctx.res().addHeader("Set-Cookie", "app=1; Path=/; Domain=127.0.0.1; HttpOnly");
                    ctx.res().addHeader("Set-Cookie", "deep=2; Path=/sub");
                    ctx.res().addHeader("Set-Cookie", "berth_proxy=forged; Path=/");
                    ctx.result("cookies set");
                  });
              r.get(p + "sse", ProxyTestApp::sse);
              r.get(
                  p + "release",
                  ctx -> {
                    release.getAndSet(new CountDownLatch(1)).countDown();
                    ctx.result("released");
                  });
              r.get(p + "download", ProxyTestApp::download);
              r.get(p + "written", ctx -> ctx.result(Long.toString(written.get())));
              r.post(p + "upload", ProxyTestApp::upload);
              r.get(p + "received", ctx -> ctx.result(Long.toString(received.get())));
              r.get(
                  p + "resume",
                  ctx -> {
                    resume.getAndSet(new CountDownLatch(1)).countDown();
                    ctx.result("resumed");
                  });
              r.get(
                  p + "last-close",
                  ctx -> ctx.result(lastCloseCode.get() + " " + lastCloseReason.get()));
              r.get(p + "cut", ProxyTestApp::cut);
            })
        .start("127.0.0.1", port);
    String second = System.getenv("BERTH_PORT_9090");
    if (second != null) {
      Javalin.create(
              config -> {
                config.startup.showJavalinBanner = false;
                config.routes.get(
                    "/*", ctx -> ctx.result("second port saw " + ctx.req().getRequestURI()));
              })
          .start("127.0.0.1", Integer.parseInt(second));
    }
    ProxyTestApp.args = java.util.List.of(args);
  }

  static volatile java.util.List<String> args = java.util.List.of();

  private static void headers(io.javalin.http.Context ctx) {
    Map<String, Object> out = new TreeMap<>();
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String name : Collections.list(ctx.req().getHeaderNames())) {
      headers.put(name, String.join(" | ", Collections.list(ctx.req().getHeaders(name))));
    }
    out.put("headers", headers);
    out.put("method", ctx.req().getMethod());
    out.put("path", ctx.req().getRequestURI());
    out.put("query", String.valueOf(ctx.req().getQueryString()));
    out.put("args", args);
    out.put("env", envOf("BERTH_BASE_PATH", "APP_PREFIX", "BERTH_BASE_PATH_9090"));
    ctx.contentType("application/json").result(JSON.writeValueAsString(out));
  }

  private static Map<String, String> envOf(String... names) {
    Map<String, String> out = new TreeMap<>();
    for (String n : names) {
      out.put(n, System.getenv().getOrDefault(n, ""));
    }
    return out;
  }

  private static String page(String session) {
    return """
        <!doctype html><html><head><meta charset="utf-8"><title>Proxy test app</title></head>
        <body><h1 id="title">Hello from the test app in %s</h1>
        <input id="message" value="ping"><button id="send">Send</button>
        <p id="state">connecting</p><ul id="log"></ul>
        <script>
          const url = new URL('ws', location.href);
          url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
          const ws = new WebSocket(url);
          const log = (text) => {
            const li = document.createElement('li'); li.textContent = text;
            document.getElementById('log').appendChild(li);
          };
          ws.onopen = () => { document.getElementById('state').textContent = 'open'; };
          ws.onmessage = (e) => log('echo: ' + e.data);
          ws.onclose = (e) => {
            document.getElementById('state').textContent = 'closed ' + e.code + ' ' + e.reason;
          };
          document.getElementById('send').onclick = () => {
            ws.send(document.getElementById('message').value);
          };
        </script></body></html>
        """
        .formatted(session);
  }

  /** One event, then the next only after /release: a proxy that buffers cannot pass this. */
  private static void sse(io.javalin.http.Context ctx) throws Exception {
    HttpServletResponse res = ctx.res();
    res.setContentType("text/event-stream");
    res.setHeader("Cache-Control", "no-cache");
    CountDownLatch latch = release.get();
    OutputStream out = res.getOutputStream();
    out.write("data: first\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
    if (!latch.await(60, TimeUnit.SECONDS)) {
      return;
    }
    out.write("data: second\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** {@code mb} MiB of a known pattern; {@code written} counts what left the app. */
  private static void download(io.javalin.http.Context ctx) throws IOException {
    long total = Long.parseLong(ctx.queryParam("mb")) << 20;
    written.set(0);
    HttpServletResponse res = ctx.res();
    res.setContentType("application/octet-stream");
    res.setContentLengthLong(total);
    OutputStream out = res.getOutputStream();
    byte[] block = pattern(64 * 1024);
    for (long sent = 0; sent < total; sent += block.length) {
      out.write(block);
      written.addAndGet(block.length);
    }
  }

  static byte[] pattern(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i % 251);
    }
    return b;
  }

  /** Reads the body, pausing after {@code pauseAfter} bytes until /resume; answers size + CRC. */
  private static void upload(io.javalin.http.Context ctx) throws Exception {
    long pauseAfter =
        Long.parseLong(ctx.queryParamAsClass("pauseAfter", String.class).getOrDefault("-1"));
    CountDownLatch latch = resume.get();
    received.set(0);
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[64 * 1024];
    boolean paused = false;
    try (InputStream in = ctx.req().getInputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        crc.update(buffer, 0, n);
        long total = received.addAndGet(n);
        if (!paused && pauseAfter >= 0 && total >= pauseAfter) {
          paused = true;
          latch.await(60, TimeUnit.SECONDS);
        }
      }
    }
    ctx.result(received.get() + " " + Long.toHexString(crc.getValue()));
  }

  /** Promises 1000 bytes, sends 10, then drops the connection. */
  private static void cut(io.javalin.http.Context ctx) throws IOException {
    HttpServletResponse res = ctx.res();
    res.setContentLength(1000);
    res.getOutputStream().write("0123456789".getBytes(StandardCharsets.UTF_8));
    res.flushBuffer();
    org.eclipse.jetty.ee10.servlet.ServletContextRequest.getServletContextRequest(ctx.req())
        .getServletChannel()
        .abort(new IOException("cut on purpose"));
  }

  /** WebSocket echo; "close:CODE:REASON" closes with that code; "ping" frames are answered. */
  static final class EchoUpgrade extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      var container = JettyWebSocketServerContainer.getContainer(req.getServletContext());
      container.upgrade(
          (upReq, upResp) -> {
            if (upReq.getSubProtocols().contains("echo.v2")) {
              upResp.setAcceptedSubProtocol("echo.v2");
            }
            upResp.setHeader("X-Seen-Cookie", String.valueOf(upReq.getHeader("Cookie")));
            return new Echo(upReq.getHeader("Origin"), upReq.getHeader("Host"));
          },
          req,
          resp);
    }
  }

  /** The echo endpoint. */
  public static final class Echo implements Session.Listener.AutoDemanding {
    private final String origin;
    private final String host;
    private Session session;

    Echo(String origin, String host) {
      this.origin = origin;
      this.host = host;
    }

    @Override
    public void onWebSocketOpen(Session s) {
      this.session = s;
      s.setMaxTextMessageSize(16 << 20);
      s.setMaxBinaryMessageSize(16 << 20);
      s.sendText("origin " + origin + " host " + host, Callback.NOOP);
    }

    @Override
    public void onWebSocketText(String message) {
      if (message.startsWith("close:")) {
        String[] parts = message.split(":", 3);
        session.close(Integer.parseInt(parts[1]), parts[2], Callback.NOOP);
      } else if (message.equals("app-ping")) {
        session.sendPing(ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8)), Callback.NOOP);
      } else {
        session.sendText(message, Callback.NOOP);
      }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
      ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
      callback.succeed();
      session.sendBinary(copy, Callback.NOOP);
    }

    @Override
    public void onWebSocketClose(int code, String reason) {
      lastCloseCode.set(code);
      lastCloseReason.set(reason == null ? "" : reason);
    }
  }
}
