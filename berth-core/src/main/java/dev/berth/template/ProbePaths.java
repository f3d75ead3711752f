package dev.berth.template;

import dev.berth.base.SessionId;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The variables an http probe's path may use, and their expansion per session: an app behind the
 * proxy with {@code path: keep} answers only under its base path, so its probe must be able to say
 * {@code ${BERTH_BASE_PATH}api}. The same values the app gets in its environment:
 *
 * <ul>
 *   <li>{@code ${BERTH_SESSION_ID}}: the session's id;
 *   <li>{@code ${BERTH_BASE_PATH}}: {@code /s/<id>/} (with the trailing slash);
 *   <li>{@code ${BERTH_BASE_PATH_<port>}}: {@code /s/<id>/port/<port>/}.
 * </ul>
 *
 * Any other {@code ${...}} is an error when the template loads, as is a path that is not one once
 * expanded (a scheme, a host, a fragment, a space).
 */
final class ProbePaths {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern PORT_BASE_PATH =
      Pattern.compile(Pattern.quote(ProxySettings.BASE_PATH_ENV) + "_([0-9]{1,5})");
  private static final String SESSION_ID = "BERTH_SESSION_ID";

  /** The id the load-time check expands with: any valid id gives the same verdict. */
  private static final SessionId SAMPLE = SessionId.of("sample");

  private ProbePaths() {}

  /** {@code path} with its variables replaced by {@code id}'s values. */
  static String expand(String path, SessionId id) {
    Matcher m = VARIABLE.matcher(path);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(value(m.group(1), id).orElse(m.group())));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The value of one variable for {@code id}; empty for a name that is not one of them. */
  private static Optional<String> value(String name, SessionId id) {
    if (name.equals(SESSION_ID)) {
      return Optional.of(id.value());
    }
    if (name.equals(ProxySettings.BASE_PATH_ENV)) {
      return Optional.of(ProxySettings.basePath(id));
    }
    Matcher port = PORT_BASE_PATH.matcher(name);
    if (port.matches()) {
      return Optional.of(ProxySettings.basePath(id, Integer.parseInt(port.group(1))));
    }
    return Optional.empty();
  }

  /**
   * The path as the template keeps it: a leading {@code /} added when the expanded path would lack
   * one ({@code healthz}, {@code ${BERTH_SESSION_ID}/up}), none when a variable brings it.
   */
  static String normalize(String path) {
    return expand(path, SAMPLE).startsWith("/") ? path : "/" + path;
  }

  /** What is wrong with a (normalized) probe path, empty when nothing is. */
  static Optional<String> problem(String path) {
    Matcher m = VARIABLE.matcher(path);
    while (m.find()) {
      if (value(m.group(1), SAMPLE).isEmpty()) {
        return Optional.of(
            "the http probe's path uses ${"
                + m.group(1)
                + "}; a probe path may use ${BERTH_BASE_PATH}, ${BERTH_BASE_PATH_<port>} and"
                + " ${BERTH_SESSION_ID}");
      }
    }
    String expanded = expand(path, SAMPLE);
    try {
      URI uri = new URI(expanded);
      if (uri.getScheme() != null
          || uri.getRawAuthority() != null
          || uri.getRawFragment() != null
          || !expanded.startsWith("/")
          || expanded.startsWith("//")) {
        return Optional.of(notAPath(path));
      }
    } catch (URISyntaxException e) {
      return Optional.of(notAPath(path) + " (" + e.getReason() + ")");
    }
    return Optional.empty();
  }

  private static String notAPath(String path) {
    return "the http probe's path '"
        + path
        + "' is not a URL path (give one like /healthz or ${BERTH_BASE_PATH}api, optionally with"
        + " a ?query)";
  }
}
