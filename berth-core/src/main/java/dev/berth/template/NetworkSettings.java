package dev.berth.template;

/**
 * What a session may reach over the network. Read from {@code network} by {@link NetworkParser}.
 *
 * @param egress where the session's processes may connect to (default {@link EgressPolicy#ALL}, as
 *     containers have always had; see docs/templates.md#egress for why and how to change it)
 */
public record NetworkSettings(EgressPolicy egress) {

  /** Anything reachable: what a template that says nothing gets. */
  public static final NetworkSettings DEFAULT = new NetworkSettings(EgressPolicy.ALL);

  public NetworkSettings withEgress(EgressPolicy newEgress) {
    return new NetworkSettings(newEgress);
  }
}
