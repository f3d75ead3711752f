package dev.berth.cli;

import io.javalin.Javalin;

/**
 * The app {@code berth bench proxy} runs in a session: a small HTTP answer at {@code /} and a
 * WebSocket echo at {@code /ws}, on {@code $PORT}. Started by the benchmark as its own JVM from
 * Berth's own classpath; not part of any session a user makes.
 */
public final class BenchEchoApp {
  private BenchEchoApp() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(System.getenv("PORT"));
    Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.routes.get("/", ctx -> ctx.result("ok"));
              config.routes.ws("/ws", ws -> ws.onMessage(ctx -> ctx.send(ctx.message())));
            })
        .start("127.0.0.1", port);
  }
}
