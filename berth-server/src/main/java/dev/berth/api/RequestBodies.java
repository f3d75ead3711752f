package dev.berth.api;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.config.StrictObject;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.CullSettings;
import dev.berth.session.ExecCommand;
import dev.berth.template.CullAction;
import dev.berth.template.SessionContainer;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses request bodies strictly: unknown fields and wrong types are 400s that name the field, so a
 * typo never silently falls back to a default.
 */
final class RequestBodies {
  // Duplicate keys are refused, not merged: {"id": "a", "id": "b"} must not quietly mean "b".
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private RequestBodies() {}

  /**
   * The body as a JSON object, read within {@link BodyLimits#SMALL_BODY_BYTES}; an empty body is an
   * empty object unless {@code required}. Anything else (invalid JSON, a duplicate key, {@code
   * null}, an array, a bare value) is a 400.
   */
  static JsonNode json(Context ctx, boolean required) {
    return json(ctx, required, BodyLimits.SMALL_BODY_BYTES);
  }

  /** The same, for a route that takes up to {@code maxBytes} (an exec's stdin). */
  static JsonNode json(Context ctx, boolean required, long maxBytes) {
    String body = new String(BodyLimits.read(ctx, maxBytes), StandardCharsets.UTF_8);
    if (body.isBlank()) {
      if (required) {
        throw BerthException.badRequest("a JSON request body is required");
      }
      return JSON.createObjectNode();
    }
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (JacksonException e) {
      throw BerthException.badRequest(
          "the request body is not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw BerthException.badRequest(
          "the request body must be a JSON object {...}, not "
              + (node == null || node.isNull()
                  ? "null"
                  : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
    }
    return node;
  }

  /** The fields of a request body, read with JSON's types: a string field takes only a string. */
  static StrictObject fields(JsonNode body, List<String> errors) {
    return StrictObject.json("request body", body, errors);
  }

  /**
   * A create's body: the request, and whether to build the template's image first when it is not
   * built ({@code "build": true}).
   */
  record CreateBody(CreateSessionRequest request, boolean build) {}

  static CreateBody createSession(JsonNode body, Optional<SessionId> pathId) {
    List<String> errors = new ArrayList<>();
    var o = fields(body, errors);
    Optional<String> id = o.string("id");
    Optional<String> template = o.string("template");
    Optional<String> backend = o.string("backend");
    Map<String, String> labels = o.stringMap("labels").orElse(Map.of());
    boolean start = o.bool("start").orElse(true);
    boolean build = o.bool("build").orElse(false);
    Optional<java.time.Duration> idleTimeout = o.duration("idleTimeout");
    Optional<java.time.Duration> maxLifetime = o.duration("maxLifetime");
    Optional<CullAction> cullAction =
        o.string("cullAction")
            .flatMap(
                a -> {
                  try {
                    return Optional.of(CullAction.parse(a));
                  } catch (IllegalArgumentException e) {
                    errors.add("request body: 'cullAction' " + e.getMessage());
                    return Optional.empty();
                  }
                });
    o.checkNoUnknownKeys();
    StrictObject.throwIfErrors("invalid request", errors);
    Optional<SessionId> sessionId = id.map(SessionId::of);
    if (pathId.isPresent()) {
      if (sessionId.isPresent() && !sessionId.equals(pathId)) {
        throw BerthException.badRequest("the body's id differs from the id in the path");
      }
      sessionId = pathId;
    }
    return new CreateBody(
        new CreateSessionRequest(
            sessionId,
            template,
            backend,
            labels,
            start,
            new CullSettings(idleTimeout, maxLifetime, cullAction)),
        build);
  }

  /**
   * An exec as asked: the command, the container it runs in ({@code session}: the main), and
   * whether its output is streamed as it comes ({@link ExecStream}).
   */
  record AskedExec(ExecCommand command, String container, boolean stream) {}

  static AskedExec exec(JsonNode body) {
    List<String> errors = new ArrayList<>();
    var o = fields(body, errors);
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
    Optional<Integer> timeout = o.integer("timeout", 1, Integer.MAX_VALUE);
    String container = o.string("container").orElse(SessionContainer.MAIN);
    boolean stream = o.bool("stream").orElse(false);
    o.checkNoUnknownKeys();
    if (argv.isEmpty()) {
      errors.add(
          "request body: 'command' is required: an argv list like [\"ls\", \"-l\"] or a string"
              + " run by /bin/sh -c");
    }
    StrictObject.throwIfErrors("invalid request", errors);
    return new AskedExec(
        new ExecCommand(
            argv,
            cwd,
            env,
            stdin.map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]),
            timeout.map(Duration::ofSeconds)),
        container,
        stream);
  }

  /** The named string fields, all required, and no others. */
  static Map<String, String> requiredStrings(JsonNode body, String... fields) {
    List<String> errors = new ArrayList<>();
    var o = fields(body, errors);
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String field : fields) {
      o.string(field)
          .ifPresentOrElse(
              v -> out.put(field, v),
              () -> errors.add("request body: '" + field + "' is required"));
    }
    o.checkNoUnknownKeys();
    StrictObject.throwIfErrors("invalid request", errors);
    return out;
  }

  /**
   * A true/false query parameter: {@code true}, {@code false}, or present without a value ({@code
   * ?stat}), which means true; absent, {@code fallback}. Anything else is a 400: {@code
   * ?dryRun=maybe} once ran a real collection.
   */
  static boolean boolParam(Context ctx, String name, boolean fallback) {
    String raw = ctx.queryParam(name);
    if (raw == null) {
      return fallback;
    }
    return switch (raw.strip()) {
      case "true", "" -> true;
      case "false" -> false;
      default ->
          throw BerthException.badRequest(
              "query parameter '" + name + "' must be true or false, not '" + raw + "'");
    };
  }

  /** A whole-number query parameter within bounds; 400 naming it and the bounds otherwise. */
  static long longParam(Context ctx, String name, long fallback, long min, long max) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(raw.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw BerthException.badRequest(
        "query parameter '" + name + "' must be a whole number from " + min + " to " + max);
  }
}
