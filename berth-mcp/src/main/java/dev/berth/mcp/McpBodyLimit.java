package dev.berth.mcp;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.http.UnreadRequestBody;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The most an {@code /mcp} request may send ({@code maxMcpRequestBytes}). The SDK's transport reads
 * a whole body into a string before it parses it, so without a limit of its own an MCP request was
 * bounded only by the server's {@code maxRequestBytes} (256 MiB by default). The REST routes'
 * before-handlers do not run for servlets, hence a filter: a declared length over the limit is a
 * 413 before a byte of the body is read; a chunked body is read here up to the limit and refused as
 * soon as more arrives, else handed on from memory. Before a 413 on the declared length, a bounded
 * rest of the body is read and thrown away ({@link UnreadRequestBody}), so that a client that sent
 * no {@code Expect: 100-continue} (the MCP SDKs' HTTP clients) reads the 413 instead of a reset.
 */
final class McpBodyLimit implements Filter {
  private final long max;

  McpBodyLimit(long max) {
    this.max = max;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    var request = (HttpServletRequest) req;
    var response = (HttpServletResponse) res;
    long declared = request.getContentLengthLong();
    if (declared > max) {
      UnreadRequestBody.discard(request, response);
      error(response, tooLarge("the body is " + declared + " bytes"));
      return;
    }
    if (declared >= 0 || !"POST".equals(request.getMethod())) {
      chain.doFilter(req, res);
      return;
    }
    byte[] body = request.getInputStream().readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE));
    if (body.length > max) {
      error(response, tooLarge("the body is larger than that"));
      return;
    }
    chain.doFilter(new Buffered(request, body), res);
  }

  private BerthException tooLarge(String what) {
    return new BerthException(
        ErrorCode.TOO_LARGE,
        what
            + "; the limit is "
            + max
            + " bytes for /mcp (maxMcpRequestBytes): write bigger files with PUT"
            + " /api/v1/sessions/{id}/files/{path}");
  }

  /** The REST API's error shape, {@code {"error": {"code", "message"}}}, with its status. */
  static void error(HttpServletResponse response, BerthException e) throws IOException {
    response.setStatus(e.code().httpStatus());
    response.setContentType("application/json");
    String message = e.getMessage().replace("\\", "\\\\").replace("\"", "\\\"");
    response
        .getOutputStream()
        .write(
            ("{\"error\":{\"code\":\""
                    + e.code().wireName()
                    + "\",\"message\":\""
                    + message
                    + "\"}}")
                .getBytes(StandardCharsets.UTF_8));
  }

  /** A request whose body was already read, within the limit. */
  static final class Buffered extends HttpServletRequestWrapper {
    private final byte[] body;

    Buffered(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }

    @Override
    public ServletInputStream getInputStream() {
      var in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new IllegalStateException("the body was already read");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
    }
  }
}
