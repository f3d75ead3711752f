package dev.berth.template;

/**
 * One group of keys as a single template.yaml wrote them, before inheritance: laid over what the
 * parent resolved to (or the built-in defaults), it gives this template's group. Keys the file
 * leaves unset keep the parent's values; each group's parser says how a set key combines with the
 * parent's (most replace it; {@code env} is merged, {@code resources}, {@code volume} and {@code
 * restart} are merged field by field).
 *
 * @param <G> the group's record, e.g. {@link AppSettings}
 */
@FunctionalInterface
interface Overlay<G> {
  G onto(G parent);
}
