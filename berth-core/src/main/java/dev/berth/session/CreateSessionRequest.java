package dev.berth.session;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a client asks for when creating a session.
 *
 * @param id the id to use; empty: Berth generates one
 * @param template the template's name; empty: {@code default}
 * @param backend the backend to run on; empty: the template's, else Berth's default
 * @param labels free-form labels for filtering (keys {@code [a-z0-9._/-]}, 1-63 characters)
 * @param start start the session now (true) or only warm it (prepare its workspace)
 * @param culling this session's own idle timeout, max lifetime and cull action, where set
 */
public record CreateSessionRequest(
    Optional<SessionId> id,
    Optional<String> template,
    Optional<String> backend,
    Map<String, String> labels,
    boolean start,
    CullSettings culling) {
  private static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?");

  public CreateSessionRequest {
    labels = Map.copyOf(labels);
    for (var e : labels.entrySet()) {
      if (!LABEL_KEY.matcher(e.getKey()).matches()) {
        throw BerthException.badRequest(
            "invalid label key '"
                + e.getKey()
                + "': use 1-63 characters of a-z, 0-9, '.', '_', '/', '-', starting and ending"
                + " with a letter or digit");
      }
      if (e.getKey().startsWith("berth.")) {
        throw BerthException.badRequest("label keys starting with 'berth.' are Berth's own");
      }
      if (e.getValue() == null || e.getValue().length() > 256) {
        throw BerthException.badRequest("label '" + e.getKey() + "' needs a value of 0-256 chars");
      }
    }
  }

  /** A request that takes idle timeout, max lifetime and cull action from the template. */
  public CreateSessionRequest(
      Optional<SessionId> id,
      Optional<String> template,
      Optional<String> backend,
      Map<String, String> labels,
      boolean start) {
    this(id, template, backend, labels, start, CullSettings.NONE);
  }

  /**
   * This request with its id settled: its own, else a new one, so that every step of one create
   * (the checks, a build on first use, the create itself) is about the same session.
   */
  public CreateSessionRequest withSettledId() {
    return id.isPresent()
        ? this
        : new CreateSessionRequest(
            Optional.of(SessionId.generate()), template, backend, labels, start, culling);
  }

  public static CreateSessionRequest ofTemplate(String template) {
    return new CreateSessionRequest(
        Optional.empty(), Optional.of(template), Optional.empty(), Map.of(), true);
  }
}
