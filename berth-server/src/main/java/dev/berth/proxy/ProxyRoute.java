package dev.berth.proxy;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.template.ProxySettings;
import java.util.OptionalInt;

/**
 * Where a request under {@code /s/} goes, read from its raw (still percent-encoded) path: {@code
 * /s/<id>/...} is the session's primary app, {@code /s/<id>/port/<n>/...} one of its declared
 * ports. Whether {@code n} is declared is known only with the session's template, so the route
 * keeps the candidate and {@link #forPort} decides; an undeclared {@code /port/<n>/} path belongs
 * to the primary app.
 */
sealed interface ProxyRoute {

  /** Not a proxy path at all (bad session id): 404. */
  record NotFound(String reason) implements ProxyRoute {}

  /** {@code /s/<id>} or {@code /s/<id>/port/<n>} without the slash: redirect to add it. */
  record AddSlash(String location) implements ProxyRoute {}

  /**
   * A request into a session.
   *
   * @param path the raw path as the browser sent it
   * @param prefix the public prefix: {@code /s/<id>/} or {@code /s/<id>/port/<n>/}
   * @param port the declared port, empty for the primary app
   * @param portCandidate the {@code n} of a {@code /port/<n>/} path, to check against the template
   */
  record Target(
      SessionId session, String path, String prefix, OptionalInt port, OptionalInt portCandidate)
      implements ProxyRoute {

    /** The route to declared port {@code n} (the candidate): its prefix instead of the app's. */
    Target forPort(int n) {
      return new Target(
          session,
          path,
          ProxySettings.basePath(session, n),
          OptionalInt.of(n),
          OptionalInt.empty());
    }

    /** {@code /s/<id>/port/<n>} of a declared port, which needs its slash (a redirect). */
    boolean needsSlash() {
      return !path.startsWith(prefix);
    }

    /** The path the app receives: the whole path, or the part after the prefix. */
    String upstreamPath(boolean keepPrefix) {
      return keepPrefix ? path : path.substring(prefix.length() - 1);
    }
  }

  static ProxyRoute parse(String rawPath) {
    if (!rawPath.startsWith("/s/")) {
      return new NotFound("not a session path");
    }
    String rest = rawPath.substring(3);
    int slash = rest.indexOf('/');
    String idText = slash < 0 ? rest : rest.substring(0, slash);
    SessionId id;
    try {
      id = SessionId.of(idText);
    } catch (BerthException e) {
      return new NotFound("'" + idText + "' is not a session id");
    }
    if (slash < 0) {
      return new AddSlash(rawPath + "/");
    }
    String prefix = ProxySettings.basePath(id);
    String inside = rawPath.substring(prefix.length()); // after /s/<id>/
    OptionalInt candidate = OptionalInt.empty();
    if (inside.startsWith("port/")) {
      String tail = inside.substring(5);
      int end = tail.indexOf('/');
      String digits = end < 0 ? tail : tail.substring(0, end);
      if (!digits.isEmpty()
          && digits.length() <= 5
          && digits.chars().allMatch(Character::isDigit)) {
        int n = Integer.parseInt(digits);
        if (n >= 1 && n <= 65535) {
          candidate = OptionalInt.of(n); // without its slash: see needsSlash
        }
      }
    }
    return new Target(id, rawPath, prefix, OptionalInt.empty(), candidate);
  }
}
