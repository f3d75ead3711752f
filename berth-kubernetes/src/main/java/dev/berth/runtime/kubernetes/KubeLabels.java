package dev.berth.runtime.kubernetes;

import dev.berth.runtime.OwnerLabels;
import dev.berth.runtime.RuntimeSession;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * The labels and annotations every Kubernetes resource of a session carries. Labels are how {@code
 * listOwned}, {@code destroy} and the watch find Berth's resources; a resource whose {@code
 * berth.instance} is not this installation's is never touched.
 *
 * <p>The caller's own labels (a session's free-form {@code k=v} pairs) go into one annotation,
 * {@value #CALLER_LABELS}, as JSON: Kubernetes label keys and values have a syntax a caller's
 * labels need not follow, and Berth never selects by them.
 */
final class KubeLabels {
  static final String SESSION = OwnerLabels.SESSION;
  static final String TEMPLATE = OwnerLabels.TEMPLATE;
  static final String TYPE = OwnerLabels.TYPE;
  static final String INSTANCE = OwnerLabels.INSTANCE;

  static final String CREATED = OwnerLabels.CREATED;
  static final String CALLER_LABELS = "berth.labels";

  static final String TYPE_SESSION = "session";
  static final String TYPE_HELPER = "helper";
  static final String TYPE_WORKSPACE = "workspace";
  static final String TYPE_SERVICE = "service";
  static final String TYPE_NETWORK = "network-policy";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private KubeLabels() {}

  /** Berth's {@link OwnerLabels}; {@code berth.session} carries the session's handle. */
  static Map<String, String> of(RuntimeSession s, String type, String instance) {
    return OwnerLabels.of(s, type, instance);
  }

  /** What selects the session's app pod: never its helper, never another installation's. */
  static Map<String, String> podSelector(RuntimeSession s, String instance) {
    return new TreeMap<>(Map.of(SESSION, s.handle(), INSTANCE, instance, TYPE, TYPE_SESSION));
  }

  static Map<String, String> annotations(RuntimeSession s, Instant created) {
    Map<String, String> a = new TreeMap<>();
    a.put(CREATED, created.toString());
    if (!s.labels().isEmpty()) {
      a.put(CALLER_LABELS, JSON.writeValueAsString(new TreeMap<>(s.labels())));
    }
    return a;
  }

  static Optional<Instant> created(Map<String, String> annotations) {
    try {
      return Optional.ofNullable(annotations).map(a -> a.get(CREATED)).map(Instant::parse);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  static boolean owns(Map<String, String> labels, String handle, String instance) {
    return OwnerLabels.owns(labels, handle, instance);
  }
}
