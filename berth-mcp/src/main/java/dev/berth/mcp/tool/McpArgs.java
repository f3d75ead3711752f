package dev.berth.mcp.tool;

import dev.berth.base.BerthException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A tool call's arguments, read with errors an agent can act on. */
public final class McpArgs {
  private final Map<String, Object> raw;

  public McpArgs(Map<String, Object> raw) {
    this.raw = raw == null ? Map.of() : raw;
  }

  public Optional<String> string(String name) {
    Object v = raw.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw BerthException.badRequest("'" + name + "' must be a string");
    }
    return Optional.of(s);
  }

  public String requiredString(String name) {
    return string(name).orElseThrow(() -> BerthException.badRequest("'" + name + "' is required"));
  }

  public Optional<Integer> integer(String name, int min, int max) {
    Object v = raw.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Number n)
        || n.doubleValue() != Math.rint(n.doubleValue())
        || n.longValue() < min
        || n.longValue() > max) {
      throw BerthException.badRequest(
          "'" + name + "' must be a whole number from " + min + " to " + max);
    }
    return Optional.of(n.intValue());
  }

  /** A whole number that may pass {@code int}'s range, such as an offset into a long output. */
  public Optional<Long> longInteger(String name, long min, long max) {
    Object v = raw.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Number n)
        || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() < min
        || n.doubleValue() > max) {
      throw BerthException.badRequest(
          "'" + name + "' must be a whole number from " + min + " to " + max);
    }
    return Optional.of(n.longValue());
  }

  public boolean bool(String name) {
    Object v = raw.get(name);
    if (v == null) {
      return false;
    }
    if (!(v instanceof Boolean b)) {
      throw BerthException.badRequest("'" + name + "' must be true or false");
    }
    return b;
  }

  public Map<String, String> stringMap(String name) {
    Object v = raw.get(name);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw BerthException.badRequest("'" + name + "' must be an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, val) -> out.put(String.valueOf(k), String.valueOf(val)));
    return out;
  }

  /** A list of strings, or a single string given as {@code whenString}'s value. */
  public Optional<List<String>> stringsOrLine(String name) {
    Object v = raw.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof String line) {
      return Optional.of(List.of("/bin/sh", "-c", line));
    }
    if (v instanceof List<?> list && !list.isEmpty()) {
      List<String> out = new ArrayList<>();
      list.forEach(item -> out.add(String.valueOf(item)));
      return Optional.of(out);
    }
    throw BerthException.badRequest(
        "'" + name + "' must be a shell line (string) or an argv list of strings");
  }

  public List<Map<String, Object>> objects(String name) {
    Object v = raw.get(name);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw BerthException.badRequest("'" + name + "' must be a list of objects");
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> m)) {
        throw BerthException.badRequest("'" + name + "' must be a list of objects");
      }
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, val) -> copy.put(String.valueOf(k), val));
      out.add(copy);
    }
    return out;
  }

  /** Whether {@code name} was given as a string (rather than a list, say). */
  public boolean isString(String name) {
    return raw.get(name) instanceof String;
  }

  public boolean has(String name) {
    return raw.containsKey(name) && raw.get(name) != null;
  }
}
