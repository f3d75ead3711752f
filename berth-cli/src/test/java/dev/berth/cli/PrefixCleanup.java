package dev.berth.cli;

/** Removes what a test's Berth made under its prefix: containers, networks, volumes, images. */
final class PrefixCleanup {
  private PrefixCleanup() {}

  /**
   * @param instances the test's Berth installations, whose untagged builds are removed too
   */
  static void remove(String prefix, String... instances) throws Exception {
    StringBuilder images = new StringBuilder();
    for (String instance : instances) {
      if (!instance.isEmpty()) {
        images
            .append("docker rmi -f $(docker images -q --filter label=berth.image.instance=")
            .append(instance)
            .append(") 2>/dev/null; ");
      }
    }
    DebianBase.run(
        120,
        "sh",
        "-c",
        "docker rm -f $(docker ps -aq --filter name="
            + prefix
            + "-) 2>/dev/null; docker network rm $(docker network ls -q --filter name="
            + prefix
            + "-) 2>/dev/null; docker volume rm $(docker volume ls -q --filter name="
            + prefix
            + "-) 2>/dev/null; docker rmi -f $(docker images -q --filter reference='"
            + prefix
            + "/*') 2>/dev/null; "
            + images
            + "true");
  }
}
