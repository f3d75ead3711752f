package dev.berth.session;

/** A newly created session and its token, which is shown this once and never stored in clear. */
public record CreatedSession(Session session, String token) {}
