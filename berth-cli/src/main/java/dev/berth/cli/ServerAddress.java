package dev.berth.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Where the server of a data directory listens, as that server itself reads it: {@code BERTH_HOST}
 * / {@code BERTH_PORT}, else {@code host} / {@code port} in its {@code berth.yaml}, else
 * 127.0.0.1:7780. A server bound to every address (0.0.0.0, ::) is reached on the loopback.
 */
final class ServerAddress {
  private ServerAddress() {}

  static String of(Path home, Map<String, String> env) {
    JsonNode yaml = yaml(home.resolve("berth.yaml"));
    String host = value(env, "BERTH_HOST", yaml, "host", "127.0.0.1");
    String port = value(env, "BERTH_PORT", yaml, "port", "7780");
    if (!port.matches("\\d{1,5}") || port.equals("0")) {
      throw new CliException(
          "cannot tell where the server of "
              + home
              + " listens: its port is '"
              + port
              + "' (set BERTH_URL to the server's address)");
    }
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "127.0.0.1";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port;
  }

  /** BERTH_URL as given, once it is a URL the client can use; else a line that says the fix. */
  static String checked(String url) {
    String fix =
        "BERTH_URL must be a server's address with its scheme, such as http://127.0.0.1:7780";
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new CliException("BERTH_URL is '" + url + "': " + fix);
    }
    try {
      URI uri = URI.create(url);
      if (uri.getHost() == null) {
        throw new CliException("BERTH_URL is '" + url + "' with no host: " + fix);
      }
    } catch (IllegalArgumentException e) {
      throw new CliException("BERTH_URL is '" + url + "', which is not a URL: " + fix);
    }
    return url;
  }

  private static String value(
      Map<String, String> env, String name, JsonNode yaml, String key, String otherwise) {
    String fromEnv = env.get(name);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    JsonNode v = yaml.path(key);
    return v.isValueNode() && !v.asString("").isBlank() ? v.asString().strip() : otherwise;
  }

  private static JsonNode yaml(Path file) {
    if (!Files.isRegularFile(file)) {
      return YAMLMapper.builder().build().createObjectNode();
    }
    try {
      JsonNode node = YAMLMapper.builder().build().readTree(Files.readString(file));
      return node == null ? YAMLMapper.builder().build().createObjectNode() : node;
    } catch (IOException | tools.jackson.core.JacksonException e) {
      throw new CliException(
          "cannot read " + file + " to find the server's port: " + e.getMessage());
    }
  }
}
