package dev.berth.api;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.runtime.ProcessSignal;
import dev.berth.runtime.TtySize;
import dev.berth.service.SessionProcessOps;
import dev.berth.service.processes.LiveProcess;
import dev.berth.session.ProcessCommand;
import dev.berth.template.SessionContainer;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Processes started with handles in a session: start one ({@code POST .../processes}), list them,
 * read one's state and its output since an offset (waiting for more), write to its stdin, resize
 * its terminal, signal or kill it. Scoped like exec: the admin, or the session's own token.
 * Streamed forms ({@code .../stream} as Server-Sent Events) are in {@link ProcessStreams}.
 */
final class ProcessRoutes {
  /** The longest a read of a process's output waits for something new. */
  static final Duration MAX_WAIT = Duration.ofSeconds(60);

  static final int MAX_READ_BYTES = 1 << 20;
  static final String PATH = "/api/v1/sessions/{id}/processes";

  private final SessionProcessOps processes;

  ProcessRoutes(SessionProcessOps processes) {
    this.processes = processes;
  }

  void register(RoutesConfig r) {
    r.post(PATH, this::start);
    r.get(PATH, ctx -> ctx.json(ProcessViews.views(processes.list(SessionRoutes.id(ctx)))));
    r.get(PATH + "/{pid}", ctx -> ctx.json(ProcessViews.view(process(ctx))));
    r.get(PATH + "/{pid}/output", this::output);
    r.post(PATH + "/{pid}/stdin", this::stdin);
    r.post(PATH + "/{pid}/signal", this::signal);
    r.post(PATH + "/{pid}/resize", this::resize);
    r.post(PATH + "/{pid}/kill", this::kill);
  }

  /** The process the path names, in the session the caller may use. */
  LiveProcess process(Context ctx) {
    return processes.get(SessionRoutes.id(ctx), ctx.pathParam("pid"));
  }

  private void start(Context ctx) {
    SessionId id = SessionRoutes.id(ctx);
    ProcessCommand command = command(RequestBodies.json(ctx, true));
    LiveProcess p = processes.start(id, command);
    ctx.status(201).json(ProcessViews.view(p));
  }

  static ProcessCommand command(JsonNode body) {
    List<String> errors = new ArrayList<>();
    var o = RequestBodies.fields(body, errors);
    List<String> argv;
    JsonNode command = body.get("command");
    if (command != null && command.isString()) {
      argv = List.of("/bin/sh", "-c", command.asString());
      o.has("command");
    } else {
      argv = o.strings("command", false).orElse(List.of());
    }
    Optional<String> cwd = o.string("cwd");
    Map<String, String> env = o.stringMap("env").orElse(Map.of());
    Optional<String> stdin = o.string("stdin");
    boolean openStdin = o.bool("openStdin").orElse(false);
    boolean background = o.bool("background").orElse(false);
    String container = o.string("container").orElse(SessionContainer.MAIN);
    Optional<TtySize> tty = Optional.empty();
    var asked = o.object("tty");
    if (asked.isPresent()) {
      var t = asked.get();
      Optional<Integer> cols = t.integer("cols", 1, TtySize.MAX);
      Optional<Integer> rows = t.integer("rows", 1, TtySize.MAX);
      t.checkNoUnknownKeys();
      tty = Optional.of(new TtySize(cols.orElse(80), rows.orElse(24)));
    }
    o.checkNoUnknownKeys();
    if (argv.isEmpty()) {
      errors.add(
          "request body: 'command' is required: an argv list like [\"bash\"] or a string run by"
              + " /bin/sh -c");
    }
    dev.berth.config.StrictObject.throwIfErrors("invalid request", errors);
    return new ProcessCommand(
        argv,
        cwd,
        env,
        tty,
        stdin.map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]),
        openStdin,
        background,
        container);
  }

  private void output(Context ctx) throws InterruptedException {
    LiveProcess p = process(ctx);
    long since = RequestBodies.longParam(ctx, "since", 0, 0, Long.MAX_VALUE);
    long waitSeconds = RequestBodies.longParam(ctx, "wait", 0, 0, MAX_WAIT.toSeconds());
    int max = (int) RequestBodies.longParam(ctx, "max", 64 * 1024, 1, MAX_READ_BYTES);
    boolean base64 = encoding(ctx);
    var read = p.output().read(since, max, Duration.ofSeconds(waitSeconds));
    ctx.json(ProcessViews.read(p, read, base64));
  }

  static boolean encoding(Context ctx) {
    String e = ctx.queryParam("encoding");
    if (e == null || e.equals("text")) {
      return false;
    }
    if (e.equals("base64")) {
      return true;
    }
    throw BerthException.badRequest(
        "query parameter 'encoding' must be text or base64, not '" + e + "'");
  }

  /**
   * The body's bytes go to the process's stdin as they are; {@code ?close=true} closes it after.
   */
  private void stdin(Context ctx) throws IOException {
    LiveProcess p = process(ctx);
    byte[] data = BodyLimits.read(ctx, BodyLimits.SMALL_BODY_BYTES);
    boolean close = RequestBodies.boolParam(ctx, "close", false);
    if (!p.running()) {
      throw BerthException.conflict("process '" + p.id() + "' has ended; its stdin is closed");
    }
    if (data.length > 0) {
      p.write(data, 0, data.length);
    }
    if (close) {
      p.closeStdin();
    }
    processes.touch(p.session(), "api");
    ctx.status(204);
  }

  private void signal(Context ctx) {
    LiveProcess p = process(ctx);
    var body = RequestBodies.requiredStrings(RequestBodies.json(ctx, true), "signal");
    p.signal(ProcessSignal.parse(body.get("signal")));
    ctx.status(204);
  }

  private void resize(Context ctx) {
    LiveProcess p = process(ctx);
    List<String> errors = new ArrayList<>();
    var o = RequestBodies.fields(RequestBodies.json(ctx, true), errors);
    Optional<Integer> cols = o.integer("cols", 1, TtySize.MAX);
    Optional<Integer> rows = o.integer("rows", 1, TtySize.MAX);
    o.checkNoUnknownKeys();
    if (cols.isEmpty() || rows.isEmpty()) {
      errors.add("request body: 'cols' and 'rows' are both required");
    }
    dev.berth.config.StrictObject.throwIfErrors("invalid request", errors);
    if (p.tty().isEmpty()) {
      throw BerthException.badRequest(
          "process '" + p.id() + "' has no terminal to resize (start it with \"tty\")");
    }
    p.resize(new TtySize(cols.get(), rows.get()));
    processes.touch(p.session(), "api");
    ctx.status(204);
  }

  private void kill(Context ctx) {
    LiveProcess p = process(ctx);
    if (p.running()) {
      p.kill("killed through the API");
    }
    ctx.json(ProcessViews.view(p));
  }
}
