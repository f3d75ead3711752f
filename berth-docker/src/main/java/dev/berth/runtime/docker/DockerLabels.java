package dev.berth.runtime.docker;

import dev.berth.runtime.OwnerLabels;
import dev.berth.runtime.RuntimeSession;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The labels every Docker resource of a session carries: Berth's {@link OwnerLabels} (the same
 * names on every backend; {@code berth.session} carries the session's handle) beside the caller's
 * own. They are how {@code listOwned} and {@code destroy} recognize Berth's resources: a resource
 * without {@code berth.instance} equal to this installation's is never touched.
 */
final class DockerLabels {
  static final String SESSION = OwnerLabels.SESSION;
  static final String TEMPLATE = OwnerLabels.TEMPLATE;
  static final String TYPE = OwnerLabels.TYPE;
  static final String INSTANCE = OwnerLabels.INSTANCE;

  /** When Berth made the resource; the engine does not report it for volumes. */
  static final String CREATED = OwnerLabels.CREATED;

  /** {@code berth.type} values: what a resource is to its session. */
  static final String TYPE_SESSION = "session";

  static final String TYPE_HELPER = "helper";
  static final String TYPE_WORKSPACE = "workspace";
  static final String TYPE_NETWORK = "network";

  private DockerLabels() {}

  /** The caller's labels plus Berth's own, which a caller cannot override. */
  static Map<String, String> of(RuntimeSession s, String type, String instance) {
    Map<String, String> labels = new TreeMap<>(s.labels());
    labels.putAll(OwnerLabels.of(s, type, instance));
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

  /** True when {@code labels} say the resource belongs to this handle of this installation. */
  static boolean owns(Map<String, String> labels, String handle, String instance) {
    return OwnerLabels.owns(labels, handle, instance);
  }
}
