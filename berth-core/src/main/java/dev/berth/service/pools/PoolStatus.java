package dev.berth.service.pools;

import java.util.List;
import java.util.Optional;

/**
 * One template's warm pool now.
 *
 * @param size members it keeps ready
 * @param ready members that a create can take now
 * @param starting members being made
 * @param hits creates that took a member, since this manager started
 * @param misses creates that wanted one and found none ready, since this manager started
 * @param problem why the pool cannot fill now (an image not built, the last member's failure)
 * @param members each member's handle (what its resources are named from) and state, oldest first
 */
public record PoolStatus(
    String template,
    String backend,
    int size,
    int ready,
    int starting,
    long hits,
    long misses,
    Optional<String> problem,
    List<Member> members) {

  /** One member: its handle and {@code READY} or {@code STARTING}. */
  public record Member(String handle, String state) {}
}
