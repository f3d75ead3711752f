package dev.berth.config;

import dev.berth.base.BerthException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * A YAML or JSON mapping read with strict, named errors: every getter says which key was wrong and
 * what it expected, and {@link #checkNoUnknownKeys} names keys nobody asked for (usually typos).
 * Errors are collected, not thrown one by one, so a user sees all of them at once.
 *
 * <p>YAML is read with scalars as written ({@code tag: 1.0} is the string "1.0"), as YAML users
 * expect; JSON ({@link #json}) has real types, so there a string field takes only a JSON string:
 * {@code {"id": 123}} is an error naming {@code id}, not the session "123".
 */
public final class StrictObject {
  private final String where;
  private final JsonNode node;
  private final List<String> errors;
  private final boolean exactTypes;
  private final Set<String> known = new TreeSet<>();

  public StrictObject(String where, JsonNode node, List<String> errors) {
    this(where, node, errors, false);
  }

  private StrictObject(String where, JsonNode node, List<String> errors, boolean exactTypes) {
    this.where = where;
    this.node = node;
    this.errors = errors;
    this.exactTypes = exactTypes;
    if (node != null && !node.isObject() && !node.isNull() && !node.isMissingNode()) {
      errors.add(where + ": expected a mapping of keys to values");
    }
  }

  /** A JSON object (a request body): string fields, lists and maps of strings take only strings. */
  public static StrictObject json(String where, JsonNode node, List<String> errors) {
    return new StrictObject(where, node, errors, true);
  }

  /** A scalar this object reads as text: any scalar in YAML, only a string in JSON. */
  private boolean isText(JsonNode v) {
    return exactTypes ? v.isString() : v.isValueNode();
  }

  private String textKind() {
    return exactTypes ? "a string" : "a single value";
  }

  private JsonNode value(String key) {
    known.add(key);
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  private void error(String key, String expected, JsonNode got) {
    errors.add(where + ": '" + key + "' must be " + expected + " (got " + got + ")");
  }

  public boolean has(String key) {
    return value(key) != null;
  }

  public Optional<String> string(String key) {
    JsonNode v = value(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!isText(v)) {
      error(key, textKind(), v);
      return Optional.empty();
    }
    return Optional.of(v.asString());
  }

  public Optional<Integer> integer(String key, int min, int max) {
    JsonNode v = value(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
      error(key, "a whole number from " + min + " to " + max, v);
      return Optional.empty();
    }
    return Optional.of(v.asInt());
  }

  public Optional<Double> number(String key, double min, double max) {
    JsonNode v = value(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
      error(key, "a number from " + min + " to " + max, v);
      return Optional.empty();
    }
    return Optional.of(v.asDouble());
  }

  public Optional<Boolean> bool(String key) {
    JsonNode v = value(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isBoolean()) {
      error(key, "true or false", v);
      return Optional.empty();
    }
    return Optional.of(v.asBoolean());
  }

  public Optional<Duration> duration(String key) {
    return string(key).flatMap(text -> parse(key, () -> Units.parseDuration(text)));
  }

  public Optional<Long> size(String key) {
    return string(key).flatMap(text -> parse(key, () -> Units.parseSize(text)));
  }

  private <T> Optional<T> parse(String key, java.util.function.Supplier<T> parser) {
    try {
      return Optional.of(parser.get());
    } catch (IllegalArgumentException | ArithmeticException e) {
      errors.add(where + ": '" + key + "': " + e.getMessage());
      return Optional.empty();
    }
  }

  /** A list of scalars; a single scalar is accepted as a list of one when {@code allowSingle}. */
  public Optional<List<String>> strings(String key, boolean allowSingle) {
    JsonNode v = value(key);
    if (v == null) {
      return Optional.empty();
    }
    if (allowSingle && isText(v)) {
      return Optional.of(List.of(v.asString()));
    }
    if (!v.isArray()) {
      error(key, "a list", v);
      return Optional.empty();
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!isText(item)) {
        error(key, exactTypes ? "a list of strings" : "a list of single values", v);
        return Optional.empty();
      }
      out.add(item.asString());
    }
    return Optional.of(out);
  }

  public Optional<Map<String, String>> stringMap(String key) {
    JsonNode v = value(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isObject()) {
      error(key, "a mapping of names to values", v);
      return Optional.empty();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (var entry : v.properties()) {
      if (!isText(entry.getValue())) {
        error(key + "." + entry.getKey(), textKind(), entry.getValue());
        continue;
      }
      out.put(entry.getKey(), entry.getValue().asString());
    }
    return Optional.of(out);
  }

  /** True when {@code key} holds a mapping (for keys that take either a word or a mapping). */
  public boolean isMapping(String key) {
    JsonNode v = value(key);
    return v != null && v.isObject();
  }

  public Optional<StrictObject> object(String key) {
    JsonNode v = value(key);
    return v == null
        ? Optional.empty()
        : Optional.of(new StrictObject(where + ": " + key, v, errors, exactTypes));
  }

  /**
   * A mapping of names to mappings (e.g. a template's {@code containers}), in the order written;
   * each value read with its own {@link StrictObject}, whose errors name {@code key.<name>}.
   */
  public Optional<Map<String, StrictObject>> objects(String key) {
    JsonNode v = value(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isObject()) {
      error(key, "a mapping of names to mappings", v);
      return Optional.empty();
    }
    Map<String, StrictObject> out = new LinkedHashMap<>();
    for (var entry : v.properties()) {
      String where2 = where + ": " + key + "." + entry.getKey();
      if (!entry.getValue().isObject()) {
        errors.add(
            where2 + ": expected a mapping of keys to values (got " + entry.getValue() + ")");
        continue;
      }
      out.put(entry.getKey(), new StrictObject(where2, entry.getValue(), errors, exactTypes));
    }
    return Optional.of(out);
  }

  /** Records an error for every key present that no getter asked for. Call after reading. */
  public void checkNoUnknownKeys() {
    if (node == null || !node.isObject()) {
      return;
    }
    for (String key : node.propertyNames()) {
      if (!known.contains(key)) {
        errors.add(where + ": unknown key '" + key + "' (known keys: " + known + ")");
      }
    }
  }

  /** Throws a 400 listing every collected error, if there are any. */
  public static void throwIfErrors(String what, List<String> errors) {
    if (!errors.isEmpty()) {
      throw BerthException.badRequest(what + ":\n  - " + String.join("\n  - ", errors));
    }
  }
}
