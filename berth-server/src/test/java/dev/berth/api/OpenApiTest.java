package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import io.javalin.Javalin;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The OpenAPI document and the real routes describe the same API, in both directions. */
class OpenApiTest {
  @TempDir Path home;

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
    try (var berth = new TestServer(home)) {
      JsonNode doc = berth.call("GET", "/api/v1/openapi.json", null, null).json();
      assertThat(doc.get("openapi").asString()).startsWith("3.");

      Set<String> documented = new TreeSet<>();
      for (var path : doc.get("paths").properties()) {
        for (String method : path.getValue().propertyNames()) {
          if (!method.equals("parameters")) {
            documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
          }
        }
      }

      Set<String> served = new TreeSet<>();
      // The same configuration the server runs, built again (not started) to read its routes.
      Javalin real =
          ApiServer.create(
              berth.server.sessions(),
              null,
              1024,
              berth.server.orphans(),
              java.time.Duration.ZERO,
              "test",
              null);
      for (var endpoint : real.unsafe.internalRouter.allHttpHandlers()) {
        String method = endpoint.endpoint.method.name();
        if (method.equals("BEFORE")
            || method.equals("AFTER")
            || method.equals("BEFORE_MATCHED")
            || method.equals("AFTER_MATCHED")
            || method.equals("HEAD")
            || method.equals("OPTIONS")) {
          continue;
        }
        String path = endpoint.endpoint.path.replace("<path>", "{path}");
        // A WebSocket route is documented as the GET its upgrade is; its auth hook is not a route.
        served.add((method.equals("WEBSOCKET_BEFORE_UPGRADE") ? "GET" : method) + " " + path);
      }
      assertThat(served).isNotEmpty();
      assertThat(documented).isEqualTo(served);
    }
  }
}
