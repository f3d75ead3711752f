package dev.berth.runtime;

import java.util.Map;
import java.util.TreeMap;

/**
 * The labels by which every backend marks what Berth made, under the same names everywhere (Docker
 * labels, Kubernetes labels, the local backend's owner file). They are how {@code listOwned},
 * {@code destroy} and the watch recognize Berth's resources: one whose {@value #INSTANCE} is not
 * this installation's is never touched.
 */
public final class OwnerLabels {
  /** The handle the resource was made under; for a normal session, its session id. */
  public static final String SESSION = "berth.session";

  public static final String TEMPLATE = "berth.template";

  /** What a resource is to its session: {@code session}, {@code workspace}, {@code helper}... */
  public static final String TYPE = "berth.type";

  /** Which Berth installation made it. */
  public static final String INSTANCE = "berth.instance";

  /** When Berth made it, where the backend does not report that itself. */
  public static final String CREATED = "berth.created";

  private OwnerLabels() {}

  /** Berth's own labels of a resource of {@code session}, sorted. */
  public static Map<String, String> of(RuntimeSession session, String type, String instance) {
    Map<String, String> labels = new TreeMap<>();
    labels.put(SESSION, session.handle());
    labels.put(TEMPLATE, session.template().name());
    labels.put(TYPE, type);
    labels.put(INSTANCE, instance);
    return labels;
  }

  /** True when {@code labels} say the resource belongs to {@code handle} of this installation. */
  public static boolean owns(Map<String, String> labels, String handle, String instance) {
    return labels != null
        && handle.equals(labels.get(SESSION))
        && instance.equals(labels.get(INSTANCE));
  }
}
