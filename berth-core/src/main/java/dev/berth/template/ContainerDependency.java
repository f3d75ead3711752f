package dev.berth.template;

/**
 * One entry of a container's {@code after}: the container it starts after ({@value
 * SessionContainer#MAIN} for the main one) and what of it is waited for.
 */
public record ContainerDependency(String type, AfterCondition condition) {

  /** Only the order: what the list form {@code after: [type]} says. */
  public static ContainerDependency started(String type) {
    return new ContainerDependency(type, AfterCondition.STARTED);
  }

  /** Whether this one makes its container wait (anything but {@link AfterCondition#STARTED}). */
  public boolean waits() {
    return condition != AfterCondition.STARTED;
  }
}
