package dev.berth.mcp.tool;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Any schema but a closed object: a type with its constraints. Made by {@link Schema}'s factories.
 */
public final class ValueSchema implements Schema {
  private final Map<String, Object> fields;

  private ValueSchema(Map<String, Object> fields) {
    this.fields = Collections.unmodifiableMap(fields);
  }

  static ValueSchema of(String key, Object value) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put(key, value);
    return new ValueSchema(fields);
  }

  ValueSchema with(String key, Object value) {
    if (fields.containsKey(key)) {
      throw new IllegalArgumentException("'" + key + "' is already set to " + fields.get(key));
    }
    Map<String, Object> copy = new LinkedHashMap<>(fields);
    copy.put(key, value);
    return new ValueSchema(copy);
  }

  /** What the value means, for the agent reading the schema. */
  public ValueSchema description(String description) {
    return with("description", description);
  }

  /** The smallest number allowed. */
  public ValueSchema minimum(int minimum) {
    return with("minimum", minimum);
  }

  /** The largest number allowed. */
  public ValueSchema maximum(int maximum) {
    return with("maximum", maximum);
  }

  /** The fewest items an array may have. */
  public ValueSchema minItems(int minItems) {
    return with("minItems", minItems);
  }

  @Override
  public Map<String, Object> toMap() {
    return fields;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ValueSchema other && fields.equals(other.fields);
  }

  @Override
  public int hashCode() {
    return fields.hashCode();
  }

  @Override
  public String toString() {
    return fields.toString();
  }
}
