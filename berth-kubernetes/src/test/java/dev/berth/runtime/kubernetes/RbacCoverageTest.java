package dev.berth.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.TestTemplates;
import dev.berth.runtime.WorkspacePath;
import dev.berth.template.Template;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment kit's Role grants exactly what the Kubernetes runtime uses: the runtime goes
 * through every operation it has (lifecycle, files, exec, logs, watch, a failed start, cleanup)
 * against the mock API server with the {@link KubeletStandIn}; each request it sends is turned into
 * the RBAC permission the API server would check (API group, resource/subresource, verb), and the
 * two sets are compared both ways: nothing used that the Role does not grant, nothing granted that
 * is never used. Requests of the stand-in and of the test itself are not counted (they come from
 * other clients).
 */
@ExtendWith(DockerForStandIn.class)
class RbacCoverageTest {
  static final Path KIT = Path.of("..", "deploy", "kubernetes");
  @TempDir Path tmp;

  /** One permission: API group ("" for core), resource ("pods/exec"), verb. */
  record Permission(String group, String resource, String verb) implements Comparable<Permission> {
    @Override
    public int compareTo(Permission o) {
      return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
      return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
    }
  }

  static List<HasMetadata> kit() throws Exception {
    List<HasMetadata> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(KIT)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        if (f.getFileName().toString().equals("kustomization.yaml")) {
          continue; // kustomize's own file, not a Kubernetes object
        }
        try (InputStream in = Files.newInputStream(f)) {
          Object parsed = Serialization.unmarshal(in);
          if (parsed instanceof List<?> list) {
            list.forEach(o -> out.add((HasMetadata) o));
          } else {
            out.add((HasMetadata) parsed);
          }
        }
      }
    }
    return out;
  }

  static Set<Permission> granted(Role role) {
    Set<Permission> out = new TreeSet<>();
    for (PolicyRule rule : role.getRules()) {
      for (String g : rule.getApiGroups()) {
        for (String r : rule.getResources()) {
          for (String v : rule.getVerbs()) {
            out.add(new Permission(g, r, v));
          }
        }
      }
    }
    return out;
  }

  /**
   * The permissions the API server checks for one request ("GET /api/v1/namespaces/x/pods?..."):
   * any one of them suffices. A WebSocket exec is a GET, authorized as {@code create} on {@code
   * pods/exec} since Kubernetes 1.30 and as {@code get} before: both are needed.
   */
  static List<Permission> needed(String request) {
    String method = request.substring(0, request.indexOf(' '));
    String full = request.substring(request.indexOf(' ') + 1);
    String path = full.contains("?") ? full.substring(0, full.indexOf('?')) : full;
    String query = full.contains("?") ? full.substring(full.indexOf('?') + 1) : "";
    List<String> parts = List.of(path.substring(1).split("/"));
    String group;
    int i;
    if (parts.get(0).equals("api")) {
      group = "";
      i = 2; // api, v1
    } else {
      group = parts.get(1);
      i = 3; // apis, group, version
    }
    if (!parts.get(i).equals("namespaces")) {
      throw new AssertionError("not a namespaced request: " + request);
    }
    String resource = parts.get(i + 2);
    boolean named = parts.size() > i + 3;
    String sub = parts.size() > i + 4 ? parts.get(i + 4) : null;
    if (sub != null) {
      resource = resource + "/" + sub;
    }
    if (sub != null && sub.equals("exec")) {
      return List.of(
          new Permission(group, resource, "create"), new Permission(group, resource, "get"));
    }
    String verb =
        switch (method) {
          case "GET" -> named ? "get" : query.contains("watch=true") ? "watch" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> named ? "delete" : "deletecollection";
          default -> throw new AssertionError("unexpected method in " + request);
        };
    return List.of(new Permission(group, resource, verb));
  }

  @Test
  void theRoleGrantsExactlyWhatTheRuntimeUses() throws Exception {
    Role role =
        kit().stream()
            .filter(o -> o instanceof Role)
            .map(o -> (Role) o)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Role in " + KIT));
    Set<Permission> granted = granted(role);

    List<String> requests = exerciseEverything();
    Set<Permission> used = new TreeSet<>();
    List<String> refused = new ArrayList<>();
    for (String r : requests) {
      List<Permission> any = needed(r);
      used.addAll(any.size() > 1 ? any : List.of(any.get(0)));
      if (any.stream().noneMatch(granted::contains)) {
        refused.add(r + " needs " + any);
      }
    }
    assertThat(refused).as("requests the Role would refuse").isEmpty();
    assertThat(granted).as("granted but never used (drop them from role.yaml)").isSubsetOf(used);
    assertThat(used).as("used but not granted").isSubsetOf(granted);
  }

  /** Runs every runtime operation once; returns the runtime's requests. */
  private List<String> exerciseEverything() throws Exception {
    String image = KubeletStandIn.buildImage(Files.createDirectories(tmp.resolve("image")));
    Path skeleton = Files.createDirectories(tmp.resolve("skeleton"));
    Files.writeString(skeleton.resolve("README.md"), "hi");
    Path templateFiles = Files.createDirectories(tmp.resolve("template-files"));
    Files.writeString(templateFiles.resolve("model.txt"), "weights");
    try (var cluster = new MockCluster();
        var kubelet =
            new KubeletStandIn(cluster, "berth", "berthrbac" + System.nanoTime() % 100000);
        KubernetesClient client = cluster.runtimeClient()) {
      var options =
          KubernetesOptions.defaults("berth", "berth", "rbac")
              .withDefaultImage(image)
              .withStartTimeout(Duration.ofSeconds(20))
              .withEndpoints(EndpointMode.SERVICE); // the kit runs Berth in the cluster
      var runtime = new KubernetesRuntime(client, options);
      Template t =
          TestTemplates.with(
                  "web",
                  Optional.empty(),
                  List.of("sleep", "600"),
                  List.of(8080),
                  Optional.empty(),
                  Optional.of(skeleton))
              .toBuilder()
              .templateVolume("/template", templateFiles) // its ConfigMap
              .build();
      var s = RuntimeSession.fresh(SessionId.generate(), t, Map.of());
      try (AutoCloseable watch = runtime.watch(e -> {})) {
        assertThat(runtime.ping()).isNull();
        s = s.withState(runtime.prepare(s)); // claim, service, policy; skeleton through the helper
        assertThat(runtime.prepare(s)).isEqualTo(s.state()); // again: finds its own objects
        assertThat(runtime.workspace(s).stat(WorkspacePath.parse("README.md"))).isPresent();
        s = s.withState(runtime.start(s).state());
        runtime
            .workspace(s)
            .writeFile(
                WorkspacePath.parse("a.txt"), new ByteArrayInputStream("x".getBytes(UTF_8)), 10);
        assertThat(runtime.workspace(s).readFile(WorkspacePath.parse("a.txt"), 10))
            .isEqualTo("x".getBytes(UTF_8));
        runtime.workspace(s).makeDirectory(WorkspacePath.parse("d"));
        runtime.workspace(s).move(WorkspacePath.parse("a.txt"), WorkspacePath.parse("d/a.txt"));
        assertThat(runtime.workspace(s).list(WorkspacePath.parse("d"))).hasSize(1);
        var tar = new ByteArrayOutputStream();
        runtime.workspace(s).getArchive(WorkspacePath.parse("d"), tar);
        runtime
            .workspace(s)
            .putArchive(WorkspacePath.parse("e"), new ByteArrayInputStream(tar.toByteArray()));
        runtime.workspace(s).delete(WorkspacePath.parse("d"), true);
        var r =
            runtime
                .workspace(s)
                .exec(
                    new ExecRequest(
                        List.of("echo", "ok"),
                        WorkspacePath.ROOT,
                        Map.of(),
                        new byte[0],
                        Duration.ofSeconds(10),
                        100));
        assertThat(r.exitCode()).isZero();
        runtime.logTail(s, 5);
        runtime.inspect(s);
        runtime.listOwned();
        s = s.withState(runtime.stop(s, Duration.ofSeconds(1)));
        runtime.destroy(s);
        var store = runtime.templateVolumes().orElseThrow();
        assertThat(store.list(List.of(t))).hasSize(1);
        assertThat(store.collect(List.of(), java.time.Instant.now().plusSeconds(60), false))
            .hasSize(1); // the template volume's ConfigMap, once nothing needs it

        // a pod that never runs: the start fails after reading the pod's events
        var failing =
            new KubernetesRuntime(client, options.withStartTimeout(Duration.ofSeconds(2)));
        Template missing =
            TestTemplates.with(
                "gone",
                Optional.of("berthk8stest/does-not-exist:1"),
                List.of(),
                List.of(),
                Optional.empty(),
                Optional.empty());
        var f = RuntimeSession.fresh(SessionId.generate(), missing, Map.of());
        var pf = f.withState(failing.prepare(f));
        assertThatThrownBy(() -> failing.start(pf))
            .isInstanceOf(BerthException.class)
            .hasMessageContaining("did not run");
        failing.destroy(pf);
      }
      return List.copyOf(cluster.runtimeRequests);
    }
  }
}
