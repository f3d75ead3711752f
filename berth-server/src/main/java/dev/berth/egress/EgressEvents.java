package dev.berth.egress;

import dev.berth.base.SessionId;
import dev.berth.service.SessionService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records the egress proxy's verdicts as {@value #TYPE} events in each session's trail: every
 * destination once per verdict while the session runs (a client that opens a thousand connections
 * to one host makes one event, not a thousand), and at most {@value #MAX_PER_SESSION} different
 * ones, then one event saying that further destinations are not recorded one by one. A refusal is
 * recorded however many allowed destinations came before it, up to that bound.
 */
final class EgressEvents implements EgressJournal {
  static final String TYPE = "egress";
  static final int MAX_PER_SESSION = 200;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final SessionService sessions;
  private final Map<SessionId, Set<String>> seen = new ConcurrentHashMap<>();

  EgressEvents(SessionService sessions) {
    this.sessions = sessions;
  }

  @Override
  public void record(SessionId id, String destination, boolean allowed, String reason) {
    Set<String> mine = seen.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet());
    String key = (allowed ? "+" : "-") + destination;
    if (mine.contains(key)) {
      return;
    }
    if (mine.size() >= MAX_PER_SESSION) {
      if (mine.add("(bound)")) {
        sessions.recordEvent(
            id,
            TYPE,
            "more than " + MAX_PER_SESSION + " egress destinations: further ones are not recorded",
            "");
      }
      return;
    }
    mine.add(key);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("destination", destination);
    data.put("allowed", allowed);
    data.put("reason", reason);
    String message =
        "egress to "
            + destination
            + (allowed ? " allowed" : " refused")
            + (reason.isEmpty() ? "" : ": " + reason);
    sessions.recordEvent(id, TYPE, message, JSON.writeValueAsString(data));
  }

  /** The session stopped: a run after it records its destinations afresh. */
  @Override
  public void forget(SessionId id) {
    seen.remove(id);
  }
}
