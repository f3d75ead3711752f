package dev.berth.runtime.docker;

import dev.berth.runtime.RuntimeSession;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The labels every Docker resource of a session carries. They are how {@code listOwned} and {@code
 * destroy} recognize Berth's resources: a resource without {@code berth.instance} equal to this
 * installation's is never touched.
 */
final class DockerLabels {
  static final String SESSION = "berth.session";
  static final String TEMPLATE = "berth.template";
  static final String TYPE = "berth.type";
  static final String INSTANCE = "berth.instance";

  /** When Berth made the resource; the engine does not report it for volumes. */
  static final String CREATED = "berth.created";

  /** {@code berth.type} values: what a resource is to its session. */
  static final String TYPE_SESSION = "session";

  static final String TYPE_HELPER = "helper";
  static final String TYPE_WORKSPACE = "workspace";
  static final String TYPE_NETWORK = "network";

  private DockerLabels() {}

  /** The caller's labels plus Berth's own, which a caller cannot override. */
  static Map<String, String> of(RuntimeSession s, String type, String instance) {
    Map<String, String> labels = new TreeMap<>(s.labels());
    labels.put(SESSION, s.id().value());
    labels.put(TEMPLATE, s.template().name());
    labels.put(TYPE, type);
    labels.put(INSTANCE, instance);
    return labels;
  }

  /** The labels with the creation time stamped, for a resource about to be created. */
  static Map<String, String> stamped(Map<String, String> labels, Instant now) {
    Map<String, String> out = new TreeMap<>(labels);
    out.put(CREATED, now.toString());
    return out;
  }

  static Optional<Instant> created(Map<String, String> labels) {
    try {
      return Optional.ofNullable(labels.get(CREATED)).map(Instant::parse);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** True when {@code labels} say the resource belongs to this session of this installation. */
  static boolean owns(Map<String, String> labels, String sessionId, String instance) {
    return labels != null
        && sessionId.equals(labels.get(SESSION))
        && instance.equals(labels.get(INSTANCE));
  }
}
