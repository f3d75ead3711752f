package dev.berth.mcp;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The SDK transport's response, watched: the MCP session id it hands out on {@code initialize}, and
 * its error answers held back ({@code sendError}'s HTML page, or its serialized exception) so that
 * {@link McpTransportGuard} can answer a JSON-RPC error object instead. Successful answers, SSE
 * streams included, pass straight through.
 */
final class McpAnswer extends HttpServletResponseWrapper {
  private int status = 200;
  private String sessionId;
  private boolean errorSent;
  private String errorMessage;
  private StringWriter held;

  McpAnswer(HttpServletResponse response) {
    super(response);
  }

  @Override
  public void setStatus(int sc) {
    status = sc;
    super.setStatus(sc);
  }

  @Override
  public void sendError(int sc) {
    sendError(sc, null);
  }

  @Override
  public void sendError(int sc, String msg) {
    status = sc;
    errorSent = true;
    errorMessage = msg;
  }

  @Override
  public void setHeader(String name, String value) {
    see(name, value);
    super.setHeader(name, value);
  }

  @Override
  public void addHeader(String name, String value) {
    see(name, value);
    super.addHeader(name, value);
  }

  private void see(String name, String value) {
    if ("Mcp-Session-Id".equalsIgnoreCase(name)) {
      sessionId = value;
    }
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (status >= 400) {
      if (held == null) {
        held = new StringWriter();
      }
      return new PrintWriter(held);
    }
    return super.getWriter();
  }

  int status() {
    return status;
  }

  /** The MCP session id the transport set on this answer, or null. */
  String sessionId() {
    return sessionId;
  }

  /** True when the transport answered an error that is still to be written. */
  boolean heldError() {
    return errorSent || held != null;
  }

  /** What the transport said about its error. */
  String errorText() {
    return held != null ? held.toString() : errorMessage;
  }
}
