package dev.berth.mcp.tool;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An object whose properties are all named. Other properties are allowed by the schema (no {@code
 * additionalProperties: false}): models add fields of their own ({@code description} on an exec,
 * {@code explanation}), and refusing the call for them only costs a retry. {@link ToolDefinition}
 * ignores them and says which it ignored in the result. Every tool's input is one; {@code
 * properties} and {@code required} are always written, even empty, as MCP clients expect.
 */
public final class ObjectSchema implements Schema {
  static final ObjectSchema EMPTY = new ObjectSchema(new LinkedHashMap<>(), new ArrayList<>());

  private final Map<String, Schema> properties;
  private final List<String> required;

  private ObjectSchema(Map<String, Schema> properties, List<String> required) {
    this.properties = Collections.unmodifiableMap(properties);
    this.required = Collections.unmodifiableList(required);
  }

  /** Adds a property the caller may leave out. */
  public ObjectSchema optional(String name, Schema schema) {
    return add(name, schema, false);
  }

  /** Adds a property the caller must give; {@code required} lists them in the order added. */
  public ObjectSchema required(String name, Schema schema) {
    return add(name, schema, true);
  }

  private ObjectSchema add(String name, Schema schema, boolean isRequired) {
    if (properties.containsKey(name)) {
      throw new IllegalArgumentException("property '" + name + "' is already defined");
    }
    Map<String, Schema> props = new LinkedHashMap<>(properties);
    props.put(name, schema);
    List<String> req = new ArrayList<>(required);
    if (isRequired) {
      req.add(name);
    }
    return new ObjectSchema(props, req);
  }

  /** The property names, in the order added. */
  public List<String> propertyNames() {
    return List.copyOf(properties.keySet());
  }

  /** The required property names, in the order added. */
  public List<String> requiredNames() {
    return required;
  }

  @Override
  public Map<String, Object> toMap() {
    Map<String, Object> props = new LinkedHashMap<>();
    properties.forEach((name, schema) -> props.put(name, schema.toMap()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", "object");
    out.put("properties", Collections.unmodifiableMap(props));
    out.put("required", required);
    return Collections.unmodifiableMap(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectSchema other
        && properties.equals(other.properties)
        && required.equals(other.required);
  }

  @Override
  public int hashCode() {
    return properties.hashCode() * 31 + required.hashCode();
  }

  @Override
  public String toString() {
    return toMap().toString();
  }
}
