package dev.berth.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A test-only stand-in for the kubelet, so that the runtime's files and exec run for real against
 * {@link MockCluster}: it runs each pod the mock stores as a container on the machine's real Docker
 * engine, and answers the mock's {@code pods/exec} WebSocket with {@code docker exec}.
 *
 * <p>What it does, as a kubelet would: a pod with no status gets a container (the pod's image,
 * args, env, working directory, uid:gid, every capability dropped, no new privileges, no network)
 * with its PVC as a Docker volume at the mount path, owned by the pod's fsGroup; the pod's status
 * becomes Running, and Succeeded/Failed with the exit code (and {@code OOMKilled}) when the
 * container ends. A pod or PVC deleted from the mock loses its container or volume. Exec speaks the
 * {@code v4.channel.k8s.io} protocol: stdin on channel 0, stdout 1, stderr 2, and the exit status
 * as a {@code Status} on channel 3; its {@code container} parameter picks the pod's container; with
 * {@code tty=true} the command runs in a terminal ({@link StandInTtyExec}: all output on channel 1,
 * resizes on channel 4). A pod's {@code log} is the container's {@code docker logs} (stdout only);
 * with {@code follow=true} it is streamed as the container writes it, stdout and stderr, until the
 * container ends or goes with its pod, as a kubelet streams it ({@link StandInLogs}: the mock
 * cannot stream a body, so {@link MockCluster}'s clients send a follow there).
 *
 * <p>A pod of several containers gets one Docker container per pod container: the first in a
 * network namespace of its own with the pod's {@code hostAliases}, the others joined to it ({@code
 * --network container:}), so they share one loopback as a pod's containers do; each mounts the
 * claim at its own mount (read-only honoured, sub-paths refused: the engine here has no volume
 * sub-paths) and runs as its own {@code runAsUser} if it has one. Each is reported in {@code
 * status.containerStatuses}, terminated when it ends; the pod ends when all have. All go with the
 * pod.
 *
 * <p>A {@code configMap} volume (a template volume's) is staged before the pod's containers run:
 * the ConfigMap's files, decoded, at their items' paths with their modes, in a Docker volume of the
 * pod's that every container mounting it gets read-only at its mount path; it goes with the pod.
 *
 * <p>It also answers the {@code pods/portforward} WebSocket, as a kubelet does: one WebSocket per
 * forwarded connection, for one port; the first frame on the data channel (0) and on the error
 * channel (1) carries the port (two bytes, little-endian), then data flows both ways on channel 0,
 * and a failure to reach the port is a message on channel 1. The bytes are relayed to the port
 * inside the pod's container by {@code docker exec -i <container> nc 127.0.0.1 <port>} (the
 * containers have no network but their own loopback; the kubelet's own relay works the same way, in
 * the pod's network namespace).
 *
 * <p>What it does not do, and so what no test here proves: scheduling, image pulls, readiness,
 * volume provisioning by a storage class, network policies, Services and their DNS names, resource
 * limits, or the real kubelet's exec through a container runtime. Those need a real cluster (see
 * docs/kubernetes.md).
 */
final class KubeletStandIn implements AutoCloseable {
  private static final String LABEL = "berthk8s.standin";

  private final KubernetesClient client;
  private final String namespace;
  private final String tag;
  private final Map<String, String> containers = new ConcurrentHashMap<>(); // pod uid -> first one
  // pod uid -> (pod container name -> docker container), in the pod's order
  private final Map<String, Map<String, String>> podContainers = new ConcurrentHashMap<>();
  private final Map<String, String> podNames = new ConcurrentHashMap<>(); // pod name -> uid
  private final Set<String> volumes = ConcurrentHashMap.newKeySet(); // pvc names
  // pod uid -> (pod volume name -> docker volume holding its ConfigMap's files)
  private final Map<String, Map<String, String>> configMapVolumes = new ConcurrentHashMap<>();
  private final Set<String> failed = ConcurrentHashMap.newKeySet(); // pod uids it cannot run
  private final StandInLogs logs;
  private final Thread loop;
  private volatile boolean running = true;

  KubeletStandIn(MockCluster cluster, String namespace, String tag) {
    this.client = cluster.client;
    this.namespace = namespace;
    this.tag = tag;
    cluster.exec = this::exec;
    cluster.portForward = this::portForward;
    logs =
        new StandInLogs(
            client, (uid, container) -> podContainers.getOrDefault(uid, Map.of()).get(container));
    cluster.log = this::log;
    cluster.logFollow = logs::location;
    loop =
        Thread.ofPlatform()
            .daemon()
            .name("kubelet-stand-in")
            .start(
                () -> {
                  while (running) {
                    try {
                      sync();
                      Thread.sleep(50);
                    } catch (InterruptedException e) {
                      return;
                    } catch (RuntimeException e) {
                      if (running) {
                        System.err.println("kubelet stand-in: " + e);
                      }
                    }
                  }
                });
  }

  /** Builds the busybox image the stand-in's pods run, from the host's static busybox. */
  static String buildImage(Path dir) throws IOException {
    String image = "berthk8stest/busybox:1";
    if (docker(List.of("image", "inspect", image)).code == 0) {
      return image;
    }
    Files.writeString(
        dir.resolve("Dockerfile"),
        """
        FROM scratch
        COPY busybox /bin/busybox
        COPY etc/ /etc/
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        RUN ["/bin/busybox", "mkdir", "-m", "1777", "/tmp"]
        """);
    Files.copy(Path.of("/bin/busybox"), dir.resolve("busybox"));
    Files.createDirectories(dir.resolve("etc"));
    Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    Files.writeString(dir.resolve("etc/group"), "root:x:0:\n");
    Result r = docker(List.of("build", "-q", "-t", image, dir.toString()));
    if (r.code != 0) {
      throw new IllegalStateException("cannot build " + image + ": " + r.err);
    }
    return image;
  }

  record Result(int code, String out, String err) {}

  static Result docker(List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      return new Result(
          p.waitFor(), new String(out, UTF_8).strip(), new String(err, UTF_8).strip());
    } catch (IOException e) {
      return new Result(-1, "", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "", "interrupted");
    }
  }

  private void sync() {
    List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
    Set<String> livePods = new HashSet<>();
    pods.forEach(p -> livePods.add(p.getMetadata().getUid()));
    // Containers of deleted pods go first: a pod deleted and made again under the same name (a
    // stop, then a start) gets a new container only once the old one is gone.
    for (var e : containers.entrySet()) {
      if (!livePods.contains(e.getKey())) {
        // the containers that joined the first one's network go before it
        List<String> all =
            new ArrayList<>(podContainers.getOrDefault(e.getKey(), Map.of()).values());
        java.util.Collections.reverse(all);
        all.remove(e.getValue());
        all.add(e.getValue());
        List<String> rm = new ArrayList<>(List.of("rm", "-f"));
        rm.addAll(all);
        docker(rm);
        containers.remove(e.getKey());
        podContainers.remove(e.getKey());
        removeConfigMapVolumes(e.getKey());
        podNames.values().remove(e.getKey());
      }
    }
    for (Pod pod : pods) {
      String uid = pod.getMetadata().getUid();
      if (!containers.containsKey(uid)
          && !failed.contains(uid)
          && (pod.getStatus() == null || pod.getStatus().getPhase() == null)) {
        run(pod);
      } else if (containers.containsKey(uid) && "Running".equals(pod.getStatus().getPhase())) {
        watchExit(pod);
      }
    }
    Set<String> livePvcs = new HashSet<>();
    client
        .persistentVolumeClaims()
        .inNamespace(namespace)
        .list()
        .getItems()
        .forEach(c -> livePvcs.add(c.getMetadata().getName()));
    for (String v : Set.copyOf(volumes)) {
      if (!livePvcs.contains(v) && !inUse(v)) {
        docker(List.of("volume", "rm", "-f", volume(v)));
        volumes.remove(v);
      }
    }
  }

  private boolean inUse(String pvc) {
    Result r = docker(List.of("ps", "-aq", "--filter", "volume=" + volume(pvc)));
    return !r.out.isEmpty();
  }

  private String volume(String pvc) {
    return tag + "-" + pvc;
  }

  private void run(Pod pod) {
    var spec = pod.getSpec();
    Container c = spec.getContainers().get(0);
    var sc = spec.getSecurityContext();
    long uid = sc.getRunAsUser();
    long gid = sc.getRunAsGroup();
    String pvc = spec.getVolumes().get(0).getPersistentVolumeClaim().getClaimName();
    if (volumes.add(pvc)) {
      docker(List.of("volume", "create", "--label", LABEL + "=" + tag, volume(pvc)));
    }
    String mount = c.getVolumeMounts().get(0).getMountPath();
    // fsGroup: the volume's root belongs to the pod's group, as a kubelet arranges; nocopy, or
    // Docker would copy the image's (root-owned) mount point over it at every mount
    docker(
        List.of(
            "run",
            "--rm",
            "--network",
            "none",
            "-v",
            volume(pvc) + ":/w:nocopy",
            c.getImage(),
            "chown",
            uid + ":" + sc.getFsGroup(),
            "/w"));
    String name = tag + "-" + pod.getMetadata().getName() + "-" + uidSuffix(pod);
    try {
      configMapVolumes.put(pod.getMetadata().getUid(), stageConfigMaps(pod, name));
    } catch (IOException | RuntimeException e) {
      failed.add(pod.getMetadata().getUid()); // like a kubelet that cannot mount: Pending
      throw new IllegalStateException(
          "stand-in cannot stage the ConfigMaps of pod " + pod.getMetadata().getName() + ": " + e);
    }
    Map<String, String> started = new java.util.LinkedHashMap<>();
    List<io.fabric8.kubernetes.api.model.ContainerStatus> statuses = new ArrayList<>();
    for (Container each : spec.getContainers()) {
      boolean first = started.isEmpty();
      String dockerName = first ? name : name + "-" + each.getName();
      Result r;
      try {
        r = docker(runArgs(pod, each, dockerName, first ? null : name, pvc, uid, gid));
      } catch (IllegalStateException e) {
        r = new Result(-1, "", e.getMessage());
      }
      if (r.code != 0) {
        started.values().forEach(n -> docker(List.of("rm", "-f", n)));
        removeConfigMapVolumes(pod.getMetadata().getUid());
        failed.add(pod.getMetadata().getUid()); // like a kubelet that cannot pull: Pending for good
        throw new IllegalStateException(
            "stand-in cannot run pod " + pod.getMetadata().getName() + ": " + r.err);
      }
      started.put(each.getName(), dockerName);
      statuses.add(
          new ContainerStatusBuilder()
              .withName(each.getName())
              .withImage(each.getImage())
              .withReady(true)
              .withState(
                  new ContainerStateBuilder()
                      .withNewRunning()
                      .withStartedAt(Instant.now().toString())
                      .endRunning()
                      .build())
              .build());
    }
    containers.put(pod.getMetadata().getUid(), name);
    podContainers.put(pod.getMetadata().getUid(), started);
    podNames.put(pod.getMetadata().getName(), pod.getMetadata().getUid());
    pod.setStatus(
        new PodStatusBuilder()
            .withPhase("Running")
            .withStartTime(Instant.now().toString())
            .withContainerStatuses(statuses)
            .build());
    client.pods().inNamespace(namespace).resource(pod).updateStatus();
  }

  /**
   * {@code docker run} for one container of a pod. The first gets the pod's own network namespace
   * (loopback only) and its {@code hostAliases} as {@code --add-host}; every other joins it ({@code
   * --network container:<first>}, which shares the first one's /etc/hosts too), as the containers
   * of a pod share one network namespace. Each mounts the pod's claim at its own mount, read-only
   * when the mount says so; a container's own {@code runAsUser}/{@code runAsGroup} win over the
   * pod's. Sub-paths are not staged: this engine's API has no volume sub-path.
   */
  private List<String> runArgs(
      Pod pod, Container c, String name, String joins, String pvc, long uid, long gid) {
    var mount = c.getVolumeMounts().get(0);
    if (mount.getSubPath() != null && !mount.getSubPath().isBlank()) {
      throw new IllegalStateException("the stand-in does not mount sub-paths");
    }
    var own = c.getSecurityContext();
    long user = own != null && own.getRunAsUser() != null ? own.getRunAsUser() : uid;
    long group = own != null && own.getRunAsGroup() != null ? own.getRunAsGroup() : gid;
    boolean readOnly = Boolean.TRUE.equals(mount.getReadOnly());
    List<String> args =
        new ArrayList<>(List.of("run", "-d", "--name", name, "--label", LABEL + "=" + tag));
    if (joins == null) {
      args.addAll(List.of("--network", "none", "--hostname", pod.getSpec().getHostname()));
      if (pod.getSpec().getHostAliases() != null) {
        for (var alias : pod.getSpec().getHostAliases()) {
          for (String host : alias.getHostnames()) {
            args.addAll(List.of("--add-host", host + ":" + alias.getIp()));
          }
        }
      }
    } else {
      args.addAll(List.of("--network", "container:" + joins));
    }
    args.addAll(
        List.of(
            "--user",
            user + ":" + group,
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges",
            "-w",
            c.getWorkingDir(),
            "-v",
            volume(pvc) + ":" + mount.getMountPath() + (readOnly ? ":ro,nocopy" : ":nocopy")));
    Map<String, String> staged =
        configMapVolumes.getOrDefault(pod.getMetadata().getUid(), Map.of());
    for (var m : c.getVolumeMounts()) {
      String volume = staged.get(m.getName());
      if (volume != null) {
        args.addAll(List.of("-v", volume + ":" + m.getMountPath() + ":ro"));
      }
    }
    if (c.getEnv() != null) {
      c.getEnv().forEach(e -> args.addAll(List.of("-e", e.getName() + "=" + e.getValue())));
    }
    List<String> command = c.getCommand() == null ? List.of() : c.getCommand();
    if (!command.isEmpty()) {
      args.addAll(List.of("--entrypoint", command.get(0)));
    }
    args.add(c.getImage());
    if (!command.isEmpty()) {
      args.addAll(command.subList(1, command.size()));
    }
    if (c.getArgs() != null) {
      args.addAll(c.getArgs());
    }
    return args;
  }

  /**
   * A kubelet's configMap volume: each {@code configMap} volume of the pod gets a Docker volume
   * with the ConfigMap's {@code binaryData} decoded at its items' paths, with their modes (folders
   * 0755), written through a created, never started, busybox container and {@code docker cp} (which
   * keeps the modes); the pod's containers mount it read-only. A missing ConfigMap is a pod that
   * cannot run, as on a kubelet.
   */
  private Map<String, String> stageConfigMaps(Pod pod, String name) throws IOException {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (pod.getSpec().getVolumes() == null) {
      return out;
    }
    for (var v : pod.getSpec().getVolumes()) {
      if (v.getConfigMap() == null) {
        continue;
      }
      var cm =
          client.configMaps().inNamespace(namespace).withName(v.getConfigMap().getName()).get();
      if (cm == null) {
        throw new IllegalStateException("no ConfigMap " + v.getConfigMap().getName());
      }
      Path dir = Files.createTempDirectory("standin-cm-");
      try {
        Files.setPosixFilePermissions(
            dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        for (var item : v.getConfigMap().getItems()) {
          String data = cm.getBinaryData() == null ? null : cm.getBinaryData().get(item.getKey());
          byte[] bytes =
              data != null
                  ? java.util.Base64.getDecoder().decode(data)
                  : cm.getData().get(item.getKey()).getBytes(UTF_8);
          Path file = dir.resolve(item.getPath());
          for (Path p = file.getParent(); !p.equals(dir); p = p.getParent()) {
            Files.createDirectories(p);
            Files.setPosixFilePermissions(
                p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
          }
          Files.write(file, bytes);
          int mode = item.getMode() == null ? 0644 : item.getMode();
          Files.setPosixFilePermissions(file, permissions(mode));
        }
        String volume = name + "-cm-" + v.getName();
        docker(List.of("volume", "create", "--label", LABEL + "=" + tag, volume));
        out.put(v.getName(), volume);
        String seed = volume + "-seed";
        Result created =
            docker(
                List.of(
                    "create",
                    "--name",
                    seed,
                    "--label",
                    LABEL + "=" + tag,
                    "-v",
                    volume + ":/cm",
                    pod.getSpec().getContainers().get(0).getImage(),
                    "true"));
        if (created.code != 0) {
          throw new IllegalStateException("cannot stage " + volume + ": " + created.err);
        }
        Result cp = docker(List.of("cp", dir + "/.", seed + ":/cm"));
        docker(List.of("rm", "-f", seed));
        if (cp.code != 0) {
          throw new IllegalStateException("cannot copy into " + volume + ": " + cp.err);
        }
      } finally {
        try (var walk = Files.walk(dir)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    return out;
  }

  private static Set<java.nio.file.attribute.PosixFilePermission> permissions(int mode) {
    StringBuilder b = new StringBuilder();
    String rwx = "rwx";
    for (int bit = 8; bit >= 0; bit--) {
      b.append((mode & (1 << bit)) != 0 ? rwx.charAt(2 - bit % 3) : '-');
    }
    return java.nio.file.attribute.PosixFilePermissions.fromString(b.toString());
  }

  private void removeConfigMapVolumes(String podUid) {
    Map<String, String> staged = configMapVolumes.remove(podUid);
    if (staged != null && !staged.isEmpty()) {
      List<String> rm = new ArrayList<>(List.of("volume", "rm", "-f"));
      rm.addAll(staged.values());
      docker(rm);
    }
  }

  /** The mock's uids count up from 00000000-...: their end is what tells pods apart. */
  private static String uidSuffix(Pod pod) {
    String uid = pod.getMetadata().getUid().replace("-", "");
    return uid.substring(Math.max(0, uid.length() - 12));
  }

  /**
   * Reports each container that ended as terminated (exit code, {@code OOMKilled}); the pod is
   * Succeeded or Failed once all have ended, as with {@code restartPolicy: Never}.
   */
  private void watchExit(Pod pod) {
    Map<String, String> all = podContainers.get(pod.getMetadata().getUid());
    if (all == null) {
      return;
    }
    List<io.fabric8.kubernetes.api.model.ContainerStatus> before =
        pod.getStatus().getContainerStatuses();
    List<io.fabric8.kubernetes.api.model.ContainerStatus> now = new ArrayList<>();
    boolean changed = false;
    boolean allEnded = true;
    boolean allZero = true;
    for (var was : before) {
      String dockerName = all.get(was.getName());
      if (was.getState().getTerminated() != null || dockerName == null) {
        now.add(was);
        Integer code =
            was.getState().getTerminated() == null
                ? null
                : was.getState().getTerminated().getExitCode();
        allZero &= code != null && code == 0;
        continue;
      }
      Result r =
          docker(
              List.of(
                  "inspect",
                  "-f",
                  "{{.State.Running}} {{.State.ExitCode}} {{.State.OOMKilled}}",
                  dockerName));
      if (r.code != 0 || r.out.startsWith("true")) {
        now.add(was);
        allEnded = false;
        continue;
      }
      String[] f = r.out.split(" ");
      int code = Integer.parseInt(f[1]);
      String reason = "true".equals(f[2]) ? "OOMKilled" : code == 0 ? "Completed" : "Error";
      allZero &= code == 0;
      changed = true;
      now.add(
          new ContainerStatusBuilder(was)
              .withReady(false)
              .withState(
                  new ContainerStateBuilder()
                      .withNewTerminated()
                      .withExitCode(code)
                      .withReason(reason)
                      .withFinishedAt(Instant.now().toString())
                      .endTerminated()
                      .build())
              .build());
    }
    if (!changed) {
      return;
    }
    pod.setStatus(
        new PodStatusBuilder(pod.getStatus())
            .withPhase(allEnded ? (allZero ? "Succeeded" : "Failed") : "Running")
            .withContainerStatuses(now)
            .build());
    client.pods().inNamespace(namespace).resource(pod).updateStatus();
  }

  // ---- exec ---------------------------------------------------------------------------------

  private MockResponse exec(RecordedRequest request) {
    String path = request.getPath();
    String bare = path.substring(0, path.indexOf('?'));
    String[] parts = bare.split("/"); // "", api, v1, namespaces, ns, pods, name, exec
    String pod = parts[6];
    List<String> command = new ArrayList<>();
    boolean stdin = false;
    boolean tty = false;
    String inContainer = null;
    for (String kv : path.substring(path.indexOf('?') + 1).split("&")) {
      String[] p = kv.split("=", 2);
      String value = URLDecoder.decode(p.length > 1 ? p[1] : "", UTF_8);
      if (p[0].equals("command")) {
        command.add(value);
      } else if (p[0].equals("stdin")) {
        stdin = Boolean.parseBoolean(value);
      } else if (p[0].equals("container")) {
        inContainer = value;
      } else if (p[0].equals("tty")) {
        tty = Boolean.parseBoolean(value);
      }
    }
    String uid = podNames.get(pod);
    String container =
        uid == null
            ? null
            : inContainer == null
                ? containers.get(uid)
                : podContainers.getOrDefault(uid, Map.of()).get(inContainer);
    if (container != null && tty) {
      return new MockResponse().withWebSocketUpgrade(new StandInTtyExec(container, command));
    }
    if (container == null) {
      return new MockResponse()
          .setResponseCode(400)
          .setBody(
              "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"pod "
                  + pod
                  + (inContainer == null ? " is not running" : " has no container " + inContainer)
                  + "\",\"code\":400}");
    }
    List<String> args = new ArrayList<>(List.of("docker", "exec"));
    if (stdin) {
      args.add("-i");
    }
    args.add(container);
    args.addAll(command);
    boolean withStdin = stdin;
    return new MockResponse()
        .withWebSocketUpgrade(
            new WebSocketListener() {
              private final java.util.concurrent.BlockingQueue<byte[]> input =
                  new java.util.concurrent.LinkedBlockingQueue<>();
              private volatile Process process;

              @Override
              public void onOpen(WebSocket ws, Response response) {
                // Started here, before any stdin frame can arrive; everything that may block
                // runs on threads of its own, never on the mock server's event loop.
                try {
                  process = new ProcessBuilder(args).start();
                } catch (IOException e) {
                  ws.close(1011, e.toString());
                  return;
                }
                if (!withStdin) {
                  closeQuietly(process.getOutputStream());
                } else {
                  Thread.ofPlatform().daemon().start(this::feed);
                }
                Thread.ofPlatform().daemon().start(() -> serve(ws));
              }

              private void feed() {
                try (OutputStream in = process.getOutputStream()) {
                  while (process.isAlive()) {
                    byte[] data = input.poll(100, TimeUnit.MILLISECONDS);
                    if (data != null) {
                      in.write(data);
                      in.flush();
                    }
                  }
                } catch (IOException | InterruptedException e) {
                  // the command is gone; its status follows
                }
              }

              private void serve(WebSocket ws) {
                try {
                  Thread out = pump(process.getInputStream(), 1, ws);
                  Thread err = pump(process.getErrorStream(), 2, ws);
                  int code = process.waitFor();
                  out.join();
                  err.join();
                  byte[] bytes = status(code);
                  send(ws, 3, bytes, bytes.length);
                  ws.close(1000, "");
                } catch (InterruptedException e) {
                  ws.close(1011, e.toString());
                }
              }

              @Override
              public void onMessage(WebSocket ws, byte[] bytes) {
                if (bytes.length > 1 && bytes[0] == 0) {
                  input.add(java.util.Arrays.copyOfRange(bytes, 1, bytes.length));
                }
              }

              @Override
              public void onClosing(WebSocket ws, int code, String reason) {
                stop();
              }

              @Override
              public void onClosed(WebSocket ws, int code, String reason) {
                stop();
              }

              private void stop() {
                Process p = process;
                if (p != null) {
                  p.destroy(); // like a kubelet, this ends the stream, not the process inside
                }
              }
            });
  }

  // ---- log ----------------------------------------------------------------------------------

  /** A container's output ({@code container}, {@code tailLines}) through {@code docker logs}. */
  private MockResponse log(RecordedRequest request) {
    String path = request.getPath();
    int q = path.indexOf('?');
    String pod = path.substring(0, q < 0 ? path.length() : q).split("/")[6];
    String inContainer = null;
    String tail = "all";
    for (String kv : q < 0 ? new String[0] : path.substring(q + 1).split("&")) {
      String[] p = kv.split("=", 2);
      String value = URLDecoder.decode(p.length > 1 ? p[1] : "", UTF_8);
      if (p[0].equals("container")) {
        inContainer = value;
      } else if (p[0].equals("tailLines")) {
        tail = value;
      }
    }
    String uid = podNames.get(pod);
    String container =
        uid == null
            ? null
            : inContainer == null
                ? containers.get(uid)
                : podContainers.getOrDefault(uid, Map.of()).get(inContainer);
    if (container == null) {
      return new MockResponse()
          .setResponseCode(404)
          .setBody("{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":404}");
    }
    Result r = docker(List.of("logs", "--tail", tail, container));
    return new MockResponse().setResponseCode(200).setBody(r.out + (r.out.isEmpty() ? "" : "\n"));
  }

  // ---- port-forward ---------------------------------------------------------------------------

  private MockResponse portForward(RecordedRequest request) {
    String path = request.getPath();
    int q = path.indexOf('?');
    String[] parts = path.substring(0, q < 0 ? path.length() : q).split("/");
    String pod = parts[6]; // "", api, v1, namespaces, ns, pods, name, portforward
    int port = -1;
    for (String kv : q < 0 ? new String[0] : path.substring(q + 1).split("&")) {
      String[] p = kv.split("=", 2);
      if (p[0].equals("ports") && p.length > 1) {
        port = Integer.parseInt(URLDecoder.decode(p[1], UTF_8));
      }
    }
    String uid = podNames.get(pod);
    String container = uid == null ? null : containers.get(uid);
    if (container == null || port <= 0) {
      return new MockResponse()
          .setResponseCode(400)
          .setBody(
              "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\""
                  + (container == null ? "pod " + pod + " is not running" : "no port given")
                  + "\",\"code\":400}");
    }
    int forwarded = port;
    List<String> args =
        List.of("docker", "exec", "-i", container, "nc", "127.0.0.1", Integer.toString(port));
    byte[] portBytes = {(byte) (port & 0xff), (byte) ((port >> 8) & 0xff)};
    return new MockResponse()
        .withWebSocketUpgrade(
            new WebSocketListener() {
              private final java.util.concurrent.BlockingQueue<byte[]> input =
                  new java.util.concurrent.LinkedBlockingQueue<>();
              private volatile Process process;

              @Override
              public void onOpen(WebSocket ws, Response response) {
                send(ws, 0, portBytes, 2);
                send(ws, 1, portBytes, 2);
                try {
                  process = new ProcessBuilder(args).start();
                } catch (IOException e) {
                  ws.close(1011, e.toString());
                  return;
                }
                Thread.ofPlatform().daemon().start(this::feed);
                Thread.ofPlatform().daemon().start(() -> serve(ws));
              }

              private void feed() {
                try (OutputStream in = process.getOutputStream()) {
                  while (process.isAlive()) {
                    byte[] data = input.poll(100, TimeUnit.MILLISECONDS);
                    if (data != null) {
                      in.write(data);
                      in.flush();
                    }
                  }
                } catch (IOException | InterruptedException e) {
                  // the relay is gone
                }
              }

              private void serve(WebSocket ws) {
                try {
                  Thread out = pump(process.getInputStream(), 0, ws);
                  byte[] err = process.getErrorStream().readAllBytes();
                  int code = process.waitFor();
                  out.join();
                  if (code != 0) {
                    byte[] message =
                        ("an error occurred forwarding "
                                + forwarded
                                + " -> "
                                + forwarded
                                + ": exit status "
                                + code
                                + ": "
                                + new String(err, UTF_8).strip())
                            .getBytes(UTF_8);
                    send(ws, 1, message, message.length);
                  }
                  ws.close(1000, "");
                } catch (IOException | InterruptedException e) {
                  ws.close(1011, e.toString());
                }
              }

              @Override
              public void onMessage(WebSocket ws, byte[] bytes) {
                if (bytes.length > 1 && bytes[0] == 0) {
                  input.add(java.util.Arrays.copyOfRange(bytes, 1, bytes.length));
                }
              }

              @Override
              public void onClosing(WebSocket ws, int code, String reason) {
                stop();
              }

              @Override
              public void onClosed(WebSocket ws, int code, String reason) {
                stop();
              }

              private void stop() {
                Process p = process;
                if (p != null) {
                  p.destroy();
                }
              }
            });
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException ignored) {
      // nothing to feed anyway
    }
  }

  private static Thread pump(InputStream in, int channel, WebSocket ws) {
    return Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                  send(ws, channel, buffer, n);
                }
              } catch (IOException e) {
                // stream closed
              }
            });
  }

  /** The exec's exit status as a kubelet sends it on channel 3. */
  static byte[] status(int code) {
    String status =
        code == 0
            ? "{\"metadata\":{},\"status\":\"Success\"}"
            : "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\""
                + code
                + "\"}]}}";
    return status.getBytes(UTF_8);
  }

  static void send(WebSocket ws, int channel, byte[] data, int length) {
    byte[] frame = new byte[length + 1];
    frame[0] = (byte) channel;
    System.arraycopy(data, 0, frame, 1, length);
    synchronized (ws) {
      ws.send(frame);
    }
  }

  @Override
  public void close() {
    running = false;
    logs.close();
    loop.interrupt();
    try {
      loop.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Result ps = docker(List.of("ps", "-aq", "--filter", "label=" + LABEL + "=" + tag));
    if (!ps.out.isEmpty()) {
      List<String> rm = new ArrayList<>(List.of("rm", "-f"));
      rm.addAll(List.of(ps.out.split("\\s+")));
      docker(rm);
    }
    Result vols = docker(List.of("volume", "ls", "-q", "--filter", "label=" + LABEL + "=" + tag));
    if (!vols.out.isEmpty()) {
      List<String> rm = new ArrayList<>(List.of("volume", "rm", "-f"));
      rm.addAll(List.of(vols.out.split("\\s+")));
      docker(rm);
    }
  }
}
