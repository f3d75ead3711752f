package dev.berth.mcp.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SchemaTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static JsonNode tree(Schema schema) {
    return JSON.valueToTree(schema.toMap());
  }

  private static JsonNode tree(String json) {
    return JSON.readTree(json);
  }

  @Test
  void valueSchemasCarryTheirTypeAndConstraints() {
    assertThat(tree(Schema.string())).isEqualTo(tree("{\"type\":\"string\"}"));
    assertThat(tree(Schema.bool())).isEqualTo(tree("{\"type\":\"boolean\"}"));
    assertThat(tree(Schema.string().description("a path")))
        .isEqualTo(tree("{\"type\":\"string\",\"description\":\"a path\"}"));
    assertThat(tree(Schema.integer().minimum(1).maximum(5)))
        .isEqualTo(tree("{\"type\":\"integer\",\"minimum\":1,\"maximum\":5}"));
    assertThat(tree(Schema.array(Schema.string()).minItems(1)))
        .isEqualTo(tree("{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":1}"));
    assertThat(tree(Schema.mapOf(Schema.string())))
        .isEqualTo(tree("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}"));
    assertThat(tree(Schema.oneOf(Schema.string(), Schema.array(Schema.string()))))
        .isEqualTo(
            tree(
                "{\"oneOf\":[{\"type\":\"string\"},"
                    + "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}]}"));
  }

  @Test
  void anObjectIsOpenToExtrasAndAlwaysListsPropertiesAndRequired() {
    assertThat(tree(Schema.object()))
        .isEqualTo(tree("{\"type\":\"object\"," + "\"properties\":{},\"required\":[]}"));
    ObjectSchema move =
        Schema.object()
            .optional("session_id", Schema.string())
            .required("from", Schema.string())
            .required("to", Schema.string());
    assertThat(tree(move))
        .isEqualTo(
            tree(
                "{\"type\":\"object\",\"properties\":{"
                    + "\"session_id\":{\"type\":\"string\"},\"from\":{\"type\":\"string\"},"
                    + "\"to\":{\"type\":\"string\"}},\"required\":[\"from\",\"to\"]}"));
    assertThat(move.propertyNames()).containsExactly("session_id", "from", "to");
    assertThat(move.requiredNames()).containsExactly("from", "to");
  }

  @Test
  void objectsNestInArrays() {
    ObjectSchema edit = Schema.object().required("old_string", Schema.string());
    assertThat(tree(Schema.array(edit)).get("items")).isEqualTo(tree(edit));
  }

  @Test
  void keysKeepTheOrderTheyWereWrittenIn() {
    assertThat(Schema.integer().minimum(0).maximum(9).description("d").toMap().keySet())
        .containsExactly("type", "minimum", "maximum", "description");
    Map<?, ?> properties =
        (Map<?, ?>)
            Schema.object()
                .optional("b", Schema.bool())
                .optional("a", Schema.bool())
                .toMap()
                .get("properties");
    assertThat(properties.keySet().stream().map(String::valueOf)).containsExactly("b", "a");
  }

  @Test
  void schemasAreImmutableSoSharedPiecesStayAsTheyAre() {
    ValueSchema shared = Schema.string();
    ValueSchema described = shared.description("x");
    assertThat(shared.toMap()).containsOnlyKeys("type");
    assertThat(described.toMap()).containsOnlyKeys("type", "description");

    ObjectSchema base = Schema.object().optional("a", shared);
    base.required("b", shared);
    assertThat(base.propertyNames()).containsExactly("a");
    assertThat(base.requiredNames()).isEmpty();
    assertThatThrownBy(() -> base.toMap().put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void mistakesFailWhenTheToolIsDefined() {
    assertThatThrownBy(
            () -> Schema.object().optional("a", Schema.string()).required("a", Schema.string()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("property 'a' is already defined");
    assertThatThrownBy(() -> Schema.integer().minimum(0).minimum(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'minimum' is already set to 0");
    assertThatThrownBy(() -> Schema.oneOf(Schema.string()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void equalSchemasAreEqual() {
    assertThat(Schema.object().required("p", Schema.string().description("d")))
        .isEqualTo(Schema.object().required("p", Schema.string().description("d")))
        .isNotEqualTo(Schema.object().optional("p", Schema.string().description("d")));
    assertThat(List.of(Schema.integer().minimum(1))).containsExactly(Schema.integer().minimum(1));
  }
}
