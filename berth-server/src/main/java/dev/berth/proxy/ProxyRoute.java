package dev.berth.proxy;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.template.ProxySettings;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Where a request under {@code /s/} goes, read from its raw (still percent-encoded) path: {@code
 * /s/<id>/...} is the session's primary app, {@code /s/<id>/port/<n>/...} one of its declared
 * ports. Whether {@code n} is declared is known only with the session's template, so the route
 * keeps the candidate and {@link #forPort} decides; an undeclared {@code /port/<n>/} path is port
 * {@code n} of the main container where Berth reaches it at its own address, and refused where the
 * session is reached through a port of this machine ({@link UndeclaredPorts}). Likewise {@code
 * /s/<id>/c/<type>/port/<n>/...} is port {@code n} of the session's extra container {@code type} (a
 * template's {@code containers:}) when that container declares the port, and the primary app's path
 * otherwise.
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
   * @param containerCandidate the type and port of a {@code /c/<type>/port/<n>/} path, to check
   *     against the template
   * @param container the extra container the request goes to, once checked (empty: the main one)
   */
  record Target(
      SessionId session,
      String path,
      String prefix,
      OptionalInt port,
      OptionalInt portCandidate,
      Optional<ContainerPort> containerCandidate,
      Optional<String> container)
      implements ProxyRoute {

    Target(
        SessionId session,
        String path,
        String prefix,
        OptionalInt port,
        OptionalInt portCandidate) {
      this(session, path, prefix, port, portCandidate, Optional.empty(), Optional.empty());
    }

    /** The route to port {@code n} of extra container {@code type} (the container candidate). */
    Target forContainer(ContainerPort c) {
      return new Target(
          session,
          path,
          containerPrefix(session, c),
          OptionalInt.of(c.port()),
          OptionalInt.empty(),
          Optional.empty(),
          Optional.of(c.type()));
    }

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

  /** A port of one extra container, as a {@code /c/<type>/port/<n>/} path names it. */
  record ContainerPort(String type, int port) {}

  /** Container types are DNS labels (checked when the template loads). */
  Pattern CONTAINER_PATH =
      Pattern.compile("c/([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)/port/([0-9]{1,5})");

  /** The public prefix of port {@code n} of extra container {@code type}. */
  static String containerPrefix(SessionId id, ContainerPort c) {
    return ProxySettings.basePath(id) + "c/" + c.type() + "/port/" + c.port() + "/";
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
    Optional<ContainerPort> container = Optional.empty();
    if (inside.startsWith("c/")) {
      int end =
          inside.indexOf('/', inside.indexOf("/port/") < 0 ? 2 : inside.indexOf("/port/") + 6);
      var m = CONTAINER_PATH.matcher(end < 0 ? inside : inside.substring(0, end));
      if (m.matches()) {
        int n = Integer.parseInt(m.group(3));
        if (n >= 1 && n <= 65535) {
          container = Optional.of(new ContainerPort(m.group(1), n)); // see needsSlash
        }
      }
    }
    return new Target(
        id, rawPath, prefix, OptionalInt.empty(), candidate, container, Optional.empty());
  }
}
