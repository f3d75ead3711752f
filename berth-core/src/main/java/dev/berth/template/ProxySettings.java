package dev.berth.template;

import dev.berth.base.SessionId;
import java.util.Optional;

/**
 * How a template's app lives behind Berth's browser proxy at {@code /s/<session>/}. Apps differ:
 * some can be told their public base path and serve everything under it (Jupyter's {@code
 * base_url}), some want the prefix stripped and a header that names it (RStudio's {@code
 * X-RStudio-Root-Path}), and most know nothing of it (the proxy strips the prefix and rewrites
 * redirects and cookie paths). The settings apply to every declared port.
 *
 * @param keepPrefix true: the app receives the full public path ({@code /s/<id>/...}) and serves
 *     under it; false (the default): the prefix is stripped and the app sees {@code /...}
 * @param basePathEnv an environment variable the app reads its base path from, set to the public
 *     prefix with a trailing slash (Berth always sets {@code BERTH_BASE_PATH} too)
 * @param basePathHeader a request header the proxy sets to the public prefix without the trailing
 *     slash on every request (any value a client sent is replaced)
 */
public record ProxySettings(
    boolean keepPrefix, Optional<String> basePathEnv, Optional<String> basePathHeader) {

  /** Strip the prefix, tell the app nothing beyond {@code BERTH_BASE_PATH}. */
  public static final ProxySettings DEFAULT =
      new ProxySettings(false, Optional.empty(), Optional.empty());

  /** The environment variable every app with ports gets: its primary port's public prefix. */
  public static final String BASE_PATH_ENV = "BERTH_BASE_PATH";

  /** The public prefix of a session's primary app: {@code /s/<id>/}. */
  public static String basePath(SessionId id) {
    return "/s/" + id.value() + "/";
  }

  /** The public prefix of one declared port: {@code /s/<id>/port/<n>/}. */
  public static String basePath(SessionId id, int port) {
    return "/s/" + id.value() + "/port/" + port + "/";
  }
}
