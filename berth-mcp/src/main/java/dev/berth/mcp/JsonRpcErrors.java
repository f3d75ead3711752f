package dev.berth.mcp;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The transport's errors as JSON-RPC error objects, {@code {"jsonrpc": "2.0", "id": ..., "error":
 * {"code", "message"}}}, with the codes of the JSON-RPC spec and the ones MCP SDKs use for sessions
 * (-32001, as the TypeScript SDK's server answers an unknown session).
 */
final class JsonRpcErrors {
  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int INVALID_PARAMS = -32602;
  static final int INTERNAL_ERROR = -32603;
  static final int SERVER_ERROR = -32000;
  static final int SESSION_NOT_FOUND = -32001;

  static final JsonMapper JSON = JsonMapper.builder().build();

  private JsonRpcErrors() {}

  /** The JSON-RPC code for an HTTP error status of the transport. */
  static int codeFor(int httpStatus) {
    return switch (httpStatus) {
      case 404 -> SESSION_NOT_FOUND;
      case 400, 403, 405, 406, 413, 415 -> INVALID_REQUEST;
      case 500 -> INTERNAL_ERROR;
      default -> SERVER_ERROR;
    };
  }

  /** Writes the error with {@code status}; {@code id} is the request's, or null when unknown. */
  static void write(HttpServletResponse response, int status, JsonNode id, int code, String message)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("jsonrpc", "2.0");
    if (id == null) {
      body.putNull("id");
    } else {
      body.set("id", id);
    }
    ObjectNode error = body.putObject("error");
    error.put("code", code);
    error.put("message", message);
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  /**
   * The message in what the SDK wrote for an error: its serialized {@code McpError} ({@code
   * {"jsonRpcError": {"message": ...}, "message": ...}}), or the text itself.
   */
  static String messageOf(String written, String fallback) {
    if (written == null || written.isBlank()) {
      return fallback;
    }
    try {
      JsonNode node = JSON.readTree(written);
      JsonNode rpc = node.path("jsonRpcError").path("message");
      if (rpc.isString() && !rpc.asString().isBlank()) {
        return rpc.asString();
      }
      JsonNode plain = node.path("error").path("message");
      if (plain.isString()) {
        return plain.asString();
      }
      JsonNode message = node.path("message");
      if (message.isString() && !message.asString().isBlank()) {
        return message.asString();
      }
    } catch (RuntimeException e) {
      // not JSON: the text is the message
    }
    return written.strip();
  }
}
