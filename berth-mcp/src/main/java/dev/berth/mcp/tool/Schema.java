package dev.berth.mcp.tool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSON Schema as a tool advertises it for one argument (or, as {@link ObjectSchema}, for all of
 * them). Built fluently and immutable: every call returns a new schema, so a piece several tools
 * share (the {@code session_id} property) cannot be changed by one of them.
 */
public sealed interface Schema permits ValueSchema, ObjectSchema {

  /** The schema as JSON-ready maps and lists, keys in the order they were written. */
  Map<String, Object> toMap();

  /** {@code {"type":"string"}} */
  static ValueSchema string() {
    return ValueSchema.of("type", "string");
  }

  /** {@code {"type":"integer"}} */
  static ValueSchema integer() {
    return ValueSchema.of("type", "integer");
  }

  /** {@code {"type":"boolean"}} */
  static ValueSchema bool() {
    return ValueSchema.of("type", "boolean");
  }

  /** {@code {"type":"array","items":items}} */
  static ValueSchema array(Schema items) {
    return ValueSchema.of("type", "array").with("items", items.toMap());
  }

  /** An object of free keys whose values all follow {@code values}, e.g. labels or env. */
  static ValueSchema mapOf(Schema values) {
    return ValueSchema.of("type", "object").with("additionalProperties", values.toMap());
  }

  /** A value that follows exactly one of {@code choices}. */
  static ValueSchema oneOf(Schema... choices) {
    if (choices.length < 2) {
      throw new IllegalArgumentException("oneOf needs at least two choices");
    }
    List<Object> maps = new ArrayList<>();
    for (Schema choice : choices) {
      maps.add(choice.toMap());
    }
    return ValueSchema.of("oneOf", maps);
  }

  /** An object with named properties only (no others allowed) and none required yet. */
  static ObjectSchema object() {
    return ObjectSchema.EMPTY;
  }
}
