package dev.berth.template;

import dev.berth.config.StrictObject;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a template's {@code proxy:} map into {@link ProxySettings}. Part of {@link AppParser}. */
final class ProxyParser {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  // An HTTP header name (RFC 9110 token characters).
  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

  // Headers the proxy sets itself or HTTP gives a meaning: an app's base path cannot ride on them.
  private static final Set<String> RESERVED_HEADERS =
      Set.of(
          "host",
          "content-length",
          "transfer-encoding",
          "connection",
          "keep-alive",
          "upgrade",
          "te",
          "trailer",
          "expect",
          "cookie",
          "authorization",
          "origin");

  private ProxyParser() {}

  static ProxySettings read(TemplateYaml t, StrictObject p) {
    Optional<String> path = p.string("path");
    Optional<String> env = p.string("basePathEnv");
    Optional<String> header = p.string("basePathHeader");
    p.checkNoUnknownKeys();
    boolean keep = false;
    if (path.isPresent()) {
      switch (path.get()) {
        case "keep" -> keep = true;
        case "strip" -> keep = false;
        default -> t.error("'proxy.path' must be 'strip' or 'keep' (got " + path.get() + ")");
      }
    }
    env.filter(name -> !ENV_NAME.matcher(name).matches())
        .ifPresent(
            name ->
                t.error(
                    "'proxy.basePathEnv' must be an environment variable name (got " + name + ")"));
    header
        .filter(name -> !HEADER_NAME.matcher(name).matches())
        .ifPresent(
            name ->
                t.error("'proxy.basePathHeader' must be an HTTP header name (got " + name + ")"));
    header
        .filter(name -> HEADER_NAME.matcher(name).matches())
        .filter(name -> RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT)))
        .ifPresent(
            name ->
                t.error(
                    "'proxy.basePathHeader' cannot be "
                        + name
                        + ", a header the proxy or HTTP itself controls"));
    return new ProxySettings(keep, env, header);
  }
}
