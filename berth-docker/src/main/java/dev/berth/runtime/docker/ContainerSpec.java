package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import dev.berth.base.BerthException;
import dev.berth.runtime.RuntimeSession;
import dev.berth.template.ResourceLimits;
import dev.berth.template.Sandbox;
import dev.berth.template.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything a session container is created with, computed from the template by a pure function
 * ({@link #of}) and applied to a create command by another ({@link #applyTo}); both are tested by
 * equality without an engine.
 *
 * <p>Hardening is not optional: every capability dropped except the template's, {@code
 * no-new-privileges}, never privileged, never the Docker socket (the only mount is the session's
 * volume, and the template's files read-only), ports published on loopback only, and only when
 * Berth needs them published ({@link PortPublishing}; never for a session with an egress policy:
 * its internal network cannot publish, and Berth reaches the app at the container's address).
 * {@code Init: true} puts an init process at PID 1 that forwards SIGTERM, so a stop never waits out
 * its timeout.
 *
 * @param command empty to keep the image's own CMD
 * @param hostname the session's id, or on a shared network its opaque container name ({@link
 *     DnsNames}): Docker's DNS answers for it on the network
 * @param publishPorts whether {@code ports} are published on the host's loopback
 * @param runtime the engine runtime the container runs under (a gVisor session's {@code runsc});
 *     empty: the engine's default
 * @param aliases the names the session's other containers reach it by on {@code network} (its type,
 *     for a session of several containers; none otherwise)
 * @param workspaceReadOnly whether the session volume is mounted read-only (a container of the
 *     template's {@code containers:} that asks for it)
 * @param templateVolume the template's files, mounted read-only ({@link TemplateVolumes})
 */
record ContainerSpec(
    String name,
    String image,
    List<String> command,
    Optional<String> user,
    String workspacePath,
    Map<String, String> env,
    Map<String, String> labels,
    String volume,
    String network,
    String hostname,
    List<Integer> ports,
    boolean publishPorts,
    ResourceLimits limits,
    List<Capability> capabilities,
    SharedFiles sharedFiles,
    Optional<String> runtime,
    List<String> aliases,
    boolean workspaceReadOnly,
    Optional<TemplateVolumes.Mounted> templateVolume) {

  /** What runs when a template has neither an app nor an image of its own: stay alive for exec. */
  static final List<String> KEEP_ALIVE = List.of("sleep", "infinity");

  static final String LOOPBACK = "127.0.0.1";

  ContainerSpec {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    labels = Map.copyOf(labels);
    ports = List.copyOf(ports);
    capabilities = List.copyOf(capabilities);
    aliases = List.copyOf(aliases);
  }

  static ContainerSpec of(
      RuntimeSession s, DockerNames names, String image, Map<String, String> labels) {
    return of(s, names, image, labels, SharedFiles.NONE);
  }

  static ContainerSpec of(
      RuntimeSession s,
      DockerNames names,
      String image,
      Map<String, String> labels,
      SharedFiles sharedFiles) {
    return of(s, names, image, labels, sharedFiles, s.id().value(), true);
  }

  static ContainerSpec of(
      RuntimeSession s,
      DockerNames names,
      String image,
      Map<String, String> labels,
      SharedFiles sharedFiles,
      String hostname,
      boolean publishPorts) {
    Template t = s.template();
    List<String> command = t.app().command();
    // Berth's default image has no app: keep it alive for exec. An image of the template's own
    // (named or built) runs its own CMD unless the template gives a command.
    if (command.isEmpty() && t.image().reference().isEmpty() && t.image().build().isEmpty()) {
      command = KEEP_ALIVE;
    }
    if (sharedFiles.enabled() && overlaps(sharedFiles.mountPath(), t.workspace().path())) {
      throw BerthException.badRequest(
          "template '"
              + t.name()
              + "': its workspace "
              + t.workspace().path()
              + " and the shared files mount "
              + sharedFiles.mountPath()
              + " overlap; move one of them");
    }
    Map<String, String> env = new TreeMap<>(t.container().env());
    env.put("BERTH_SESSION_ID", s.id().value());
    env.put("BERTH_WORKSPACE", t.workspace().path());
    t.primaryPort().ifPresent(p -> env.put("PORT", Integer.toString(p)));
    if (sharedFiles.enabled()) {
      env.put("BERTH_FILES", sharedFiles.mountPath());
    }
    return new ContainerSpec(
        names.container(),
        image,
        command,
        t.container().user().filter(u -> !u.isBlank()),
        t.workspace().path(),
        env,
        labels,
        names.volume(),
        names.network(),
        hostname,
        t.app().ports(),
        // An internal network (egress policy) cannot publish: Berth uses the container's address.
        publishPorts && !t.network().egress().restricts(),
        t.container().resources(),
        t.container().capabilities().stream().map(ContainerSpec::capability).toList(),
        sharedFiles,
        Optional.empty(),
        List.of(),
        false,
        Optional.empty());
  }

  /**
   * This spec with {@code extra} added to the environment (the egress proxy's address, which only
   * the network the session was put on decides).
   */
  ContainerSpec withEnv(Map<String, String> extra) {
    Map<String, String> merged = new TreeMap<>(env);
    merged.putAll(extra);
    return new ContainerSpec(
        name,
        image,
        command,
        user,
        workspacePath,
        merged,
        labels,
        volume,
        network,
        hostname,
        ports,
        publishPorts,
        limits,
        capabilities,
        sharedFiles,
        runtime,
        aliases,
        workspaceReadOnly,
        templateVolume);
  }

  /**
   * This spec in the template's sandbox: under the engine runtime {@code engineRuntime} (empty: the
   * engine's default), with the limits that runtime needs to mean what the template says (see
   * {@link GvisorLimits}).
   */
  ContainerSpec inSandbox(Sandbox sandbox, Optional<String> engineRuntime) {
    ResourceLimits sandboxLimits =
        sandbox == Sandbox.GVISOR ? GvisorLimits.onTheHost(limits) : limits;
    return new ContainerSpec(
        name,
        image,
        command,
        user,
        workspacePath,
        env,
        labels,
        volume,
        network,
        hostname,
        ports,
        publishPorts,
        sandboxLimits,
        capabilities,
        sharedFiles,
        engineRuntime,
        aliases,
        workspaceReadOnly,
        templateVolume);
  }

  /** This spec reachable as {@code names} by the other containers on its network. */
  ContainerSpec withAliases(List<String> names) {
    return new ContainerSpec(
        name,
        image,
        command,
        user,
        workspacePath,
        env,
        labels,
        volume,
        network,
        hostname,
        ports,
        publishPorts,
        limits,
        capabilities,
        sharedFiles,
        runtime,
        names,
        workspaceReadOnly,
        templateVolume);
  }

  /**
   * This spec with the template's files mounted read-only (the volume the prepare made for them);
   * {@code BERTH_TEMPLATE_FILES} tells the app where.
   */
  ContainerSpec withTemplateVolume(Optional<TemplateVolumes.Mounted> mounted) {
    Map<String, String> merged = new TreeMap<>(env);
    mounted.ifPresent(m -> merged.put("BERTH_TEMPLATE_FILES", m.path()));
    return new ContainerSpec(
        name,
        image,
        command,
        user,
        workspacePath,
        merged,
        labels,
        volume,
        network,
        hostname,
        ports,
        publishPorts,
        limits,
        capabilities,
        sharedFiles,
        runtime,
        aliases,
        workspaceReadOnly,
        mounted);
  }

  private static boolean overlaps(String a, String b) {
    String x = a.endsWith("/") ? a : a + "/";
    String y = b.endsWith("/") ? b : b + "/";
    return x.startsWith(y) || y.startsWith(x);
  }

  /** A template capability, with or without its {@code CAP_} prefix, in any case. */
  static Capability capability(String name) {
    String bare = name.trim().toUpperCase(Locale.ROOT);
    if (bare.startsWith("CAP_")) {
      bare = bare.substring(4);
    }
    try {
      Capability c = Capability.valueOf(bare);
      if (c == Capability.ALL) {
        throw new IllegalArgumentException("ALL");
      }
      return c;
    } catch (IllegalArgumentException e) {
      throw BerthException.badRequest(
          "template capability '" + name + "' is not a Linux capability Berth can add");
    }
  }

  List<String> envList() {
    return env.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + e.getValue())
        .toList();
  }

  HostConfig hostConfig() {
    HostConfig host =
        HostConfig.newHostConfig()
            .withInit(true)
            .withPrivileged(false)
            .withCapDrop(Capability.ALL)
            .withSecurityOpts(List.of("no-new-privileges"))
            .withNetworkMode(network)
            .withRestartPolicy(RestartPolicy.noRestart())
            .withMounts(mounts());
    runtime.ifPresent(host::withRuntime);
    if (!capabilities.isEmpty()) {
      host.withCapAdd(capabilities.toArray(Capability[]::new));
    }
    if (publishPorts && !ports.isEmpty()) {
      List<PortBinding> bindings = new ArrayList<>();
      for (int port : ports) {
        // No host port given: the engine picks a free one, read back after start.
        bindings.add(new PortBinding(Ports.Binding.bindIp(LOOPBACK), ExposedPort.tcp(port)));
      }
      host.withPortBindings(bindings);
    }
    if (limits.memoryBytes() > 0) {
      host.withMemory(limits.memoryBytes()).withMemorySwap(limits.memoryBytes());
    }
    if (limits.cpus() > 0) {
      host.withNanoCPUs(Math.round(limits.cpus() * 1_000_000_000L));
    }
    if (limits.pids() > 0) {
      host.withPidsLimit((long) limits.pids());
    }
    return host;
  }

  private List<Mount> mounts() {
    List<Mount> mounts = new ArrayList<>();
    mounts.add(
        new Mount()
            .withType(MountType.VOLUME)
            .withSource(volume)
            .withTarget(workspacePath)
            .withReadOnly(workspaceReadOnly ? Boolean.TRUE : null));
    sharedFiles
        .hostDirectory()
        .ifPresent(
            dir ->
                mounts.add(
                    new Mount()
                        .withType(MountType.BIND)
                        .withSource(dir.toString())
                        .withTarget(sharedFiles.mountPath())
                        .withReadOnly(true)));
    templateVolume.ifPresent(
        m ->
            mounts.add(
                new Mount()
                    .withType(MountType.VOLUME)
                    .withSource(m.volume())
                    .withTarget(m.path())
                    .withReadOnly(true)
                    // never the image's files at that path: the volume holds the template's
                    .withVolumeOptions(
                        new com.github.dockerjava.api.model.VolumeOptions().withNoCopy(true))));
    return mounts;
  }

  CreateContainerCmd applyTo(CreateContainerCmd cmd) {
    cmd.withName(name)
        .withImage(image)
        .withLabels(labels)
        .withEnv(envList())
        .withWorkingDir(workspacePath)
        .withHostName(hostname)
        .withHostConfig(hostConfig());
    if (!command.isEmpty()) {
      cmd.withCmd(command);
    }
    user.ifPresent(cmd::withUser);
    if (!aliases.isEmpty()) {
      cmd.withAliases(aliases); // on the network of its network mode
    }
    if (!ports.isEmpty()) {
      cmd.withExposedPorts(ports.stream().map(ExposedPort::tcp).toList());
    }
    return cmd;
  }
}
