package dev.berth.runtime.docker;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Refuses to start a second Berth installation under a prefix another one uses on the same engine.
 *
 * <p>Why refuse rather than keep the two apart: the names are a contract. Users' Dockerfiles name
 * template images literally ({@code FROM berth/operations}), scripts run {@code docker exec
 * berth-session-...}, and the shared network is {@code <prefix>-net}; folding the instance id into
 * every name would break all of that for the common case of one installation per engine. Two
 * installations on one engine need two prefixes, which is one line of configuration.
 *
 * <p>Another installation is recognized by what it left on the engine under this prefix: the shared
 * network, template images, session containers and volumes whose instance label is not ours. Read
 * only: nothing of the other installation is touched, and nothing is made here. (When neither has
 * made anything yet, the first image tag or the shared network the second one would take is refused
 * where it would be taken: {@link DockerImageEngine}, {@link DockerProvisioner}.)
 */
final class PrefixOwners {
  private final DockerEngine engine;
  private final String prefix;
  private final String instance;

  PrefixOwners(DockerEngine engine, String prefix, String instance) {
    this.engine = engine;
    this.prefix = prefix;
    this.instance = instance;
  }

  /**
   * Throws, naming the fix, when another installation uses this prefix here.
   *
   * @param home this installation's data directory, for the message
   */
  void refuseOthers(String home) {
    Map<String, List<String>> found = others();
    if (found.isEmpty()) {
      return;
    }
    var what = new StringBuilder();
    found.forEach(
        (other, items) ->
            what.append(what.isEmpty() ? "" : "; ")
                .append("instance ")
                .append(other)
                .append(": ")
                .append(summary(items)));
    String first = found.keySet().iterator().next();
    throw new IllegalStateException(
        "another Berth installation uses the prefix '"
            + prefix
            + "' on this Docker engine ("
            + what
            + "). Two installations with one prefix take each other's image tags and shared"
            + " network, so this one (instance "
            + instance
            + ", data directory "
            + home
            + ") does not start. Give it a different prefix: 'prefix: <name>' in berth.yaml or"
            + " BERTH_PREFIX=<name>. If that installation is gone for good, remove what it left:"
            + " docker ps -a --filter label=berth.instance="
            + first
            + "; docker volume ls --filter label=berth.instance="
            + first
            + "; docker images --filter label="
            + DockerImageEngine.IMAGE_INSTANCE
            + "="
            + first
            + "; docker network rm "
            + DockerNames.sharedNetwork(prefix));
  }

  /** The first of each kind ({@code network ...}, {@code image ...}) and how many more. */
  private static String summary(List<String> items) {
    Map<String, List<String>> byKind = new java.util.LinkedHashMap<>();
    for (String item : items) {
      byKind
          .computeIfAbsent(item.substring(0, item.indexOf(' ')), k -> new ArrayList<>())
          .add(item);
    }
    List<String> out = new ArrayList<>();
    byKind.forEach(
        (kind, all) ->
            out.add(
                all.getFirst()
                    + (all.size() > 1
                        ? " (and " + (all.size() - 1) + " more " + kind + "s)"
                        : "")));
    return String.join(", ", out);
  }

  /** Other installation's instance id to what of it carries this prefix, in a stable order. */
  Map<String, List<String>> others() {
    Map<String, List<String>> found = new TreeMap<>();
    String shared = DockerNames.sharedNetwork(prefix);
    for (Network n : engine.client.listNetworksCmd().withNameFilter(shared).exec()) {
      if (shared.equals(n.getName())) {
        note(found, n.getLabels(), DockerLabels.INSTANCE, "network " + n.getName());
      }
    }
    for (Image i :
        engine
            .client
            .listImagesCmd()
            .withShowAll(false)
            .withLabelFilter(DockerImageEngine.IMAGE_INSTANCE)
            .exec()) {
      String[] tags = i.getRepoTags() == null ? new String[0] : i.getRepoTags();
      for (String tag : tags) {
        if (tag.startsWith(prefix + "/")) {
          note(found, i.getLabels(), DockerImageEngine.IMAGE_INSTANCE, "image " + tag);
        }
      }
    }
    for (Container c :
        engine
            .client
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(List.of(DockerLabels.INSTANCE))
            .exec()) {
      String name = c.getNames() == null || c.getNames().length == 0 ? "" : c.getNames()[0];
      if (name.startsWith("/" + prefix + "-")) {
        note(found, c.getLabels(), DockerLabels.INSTANCE, "container " + name.substring(1));
      }
    }
    var volumes =
        engine.client.listVolumesCmd().withFilter("label", List.of(DockerLabels.INSTANCE)).exec();
    if (volumes.getVolumes() != null) {
      for (var v : volumes.getVolumes()) {
        if (v.getName().startsWith(prefix + "-")) {
          note(found, v.getLabels(), DockerLabels.INSTANCE, "volume " + v.getName());
        }
      }
    }
    return found;
  }

  private void note(
      Map<String, List<String>> found, Map<String, String> labels, String key, String what) {
    String owner = labels == null ? null : labels.get(key);
    if (owner != null && !owner.equals(instance)) {
      found.computeIfAbsent(owner, o -> new ArrayList<>()).add(what);
    }
  }
}
