package dev.berth.registry;

import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import java.util.Map;
import java.util.Optional;

/**
 * Which sessions a listing returns. Deleted sessions are left out unless asked for by status.
 *
 * @param labels every one of these must match
 */
public record SessionFilter(
    Optional<SessionStatus> status, Optional<String> template, Map<String, String> labels) {
  public static final SessionFilter ALL_LIVE =
      new SessionFilter(Optional.empty(), Optional.empty(), Map.of());

  public SessionFilter {
    labels = Map.copyOf(labels);
  }

  public boolean matches(Session s) {
    boolean statusOk = status.map(st -> s.status() == st).orElse(s.status().isLive());
    boolean templateOk = template.map(t -> t.equals(s.template())).orElse(true);
    boolean labelsOk =
        labels.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey())));
    return statusOk && templateOk && labelsOk;
  }
}
