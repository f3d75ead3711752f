package dev.berth.mcp.tool;

import dev.berth.auth.LoginProof;
import dev.berth.auth.Principal;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.function.Function;

/**
 * Browser login links for MCP tools (session_preview_link), issued by the server that also runs the
 * proxy. The HTTP transport asks it, while the request is at hand, where a browser reaches each
 * session's app (the public address, or how this request reached Berth).
 */
public interface LoginLinks {
  /** A one-time login link's code and when it stops working. */
  record Issued(String code, Instant expiresAt) {}

  /** For a request: the origin a browser opens session {@code id}'s app at. */
  Function<SessionId, String> appOrigins(HttpServletRequest request);

  /**
   * A login link into {@code id}'s proxy for {@code principal}, who proved it with {@code proof}.
   */
  Issued issue(SessionId id, Principal principal, LoginProof proof);

  /** Where no proxy runs beside the MCP server: every link is refused, saying why. */
  LoginLinks NONE =
      new LoginLinks() {
        @Override
        public Function<SessionId, String> appOrigins(HttpServletRequest request) {
          return id -> "";
        }

        @Override
        public Issued issue(SessionId id, Principal principal, LoginProof proof) {
          throw new BerthException(
              ErrorCode.BAD_REQUEST, "this MCP server has no browser proxy to issue links for");
        }
      };
}
