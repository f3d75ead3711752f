package dev.berth.mcp;

import java.time.Duration;

/**
 * The limits of {@code /mcp}.
 *
 * @param maxBodyBytes the largest request body ({@code maxMcpRequestBytes})
 * @param sessionIdleTimeout an MCP session unused this long (and with no stream open) is ended
 *     within one more such time ({@code mcpSessionIdleTimeout})
 * @param maxSessionsPerToken live MCP sessions one token may hold ({@code mcpMaxSessionsPerToken})
 */
public record McpHttpSettings(
    long maxBodyBytes, Duration sessionIdleTimeout, int maxSessionsPerToken) {}
