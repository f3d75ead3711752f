package dev.berth.service;

import dev.berth.auth.Principal;
import dev.berth.auth.Tokens;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.service.steps.SessionSteps;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;

/**
 * A session's token replaced by a new one, for a client that never saw it (interrupted during the
 * create, or Berth killed during it) or that wants the old one out of use. The old token stops
 * working at once on every edge that takes tokens (REST, MCP, the proxy's {@code ?token=} login),
 * and so do the browser logins its holder made with it (proxy cookies, login links, dashboard
 * logins): a cookie got with a leaked token would otherwise open the session for another day. The
 * admin's browser logins into the session stay. The trail says the token was rotated and by whom,
 * never the token.
 *
 * <p>No lifecycle lock: a rotation only touches credentials, so it need not wait for a long create
 * or start; the registry makes it all-or-nothing and refuses it beside a delete (see {@link
 * dev.berth.registry.TokenStore#replaceSessionTokens}).
 */
final class TokenRotation {
  private final SessionSteps steps;
  private final Tokens tokens;

  TokenRotation(SessionSteps steps, Tokens tokens) {
    this.steps = steps;
    this.tokens = tokens;
  }

  String rotate(SessionId id, Principal by) {
    Session s = steps.require(id);
    if (s.lifecycle().desired() == DesiredState.DELETED) {
      throw deleting(id);
    }
    // A backend whose sessions get no token (local, unless opted in) gets no new one either.
    steps
        .runtimeOf(s)
        .sessionTokenRefusal()
        .ifPresent(
            why -> {
              throw new BerthException(ErrorCode.FORBIDDEN, why);
            });
    // Its holder's browser logins go in the same transaction (see TokenStore).
    String token = tokens.rotateSessionToken(id).orElseThrow(() -> deleting(id));
    String who =
        switch (by) {
          case Principal.Admin a -> "the admin";
          case Principal.SessionScoped t -> "the session's token";
        };
    steps.event(
        id,
        "token",
        "token rotated by "
            + who
            + ": the old token and the browser logins made with it no longer work");
    return token;
  }

  private static BerthException deleting(SessionId id) {
    return BerthException.conflict(
        "session '"
            + id
            + "' is being deleted (or its delete is unfinished): it gets no new token; delete it"
            + " again to finish");
  }
}
