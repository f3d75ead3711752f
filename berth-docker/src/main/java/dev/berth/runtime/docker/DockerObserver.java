package dev.berth.runtime.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Frame;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeStates;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What a session looks like on the engine: its observed state, its endpoints, the addresses where
 * its app listens (for probes) and its log. Read-only; a failure to ask the engine is {@link
 * ObservedState.Unknown}, never a guess.
 */
final class DockerObserver {
  private final DockerEngine engine;
  private final DockerProvisioner provisioner;
  private final ContainerExits exits;
  private final PortPublishing publishing;

  DockerObserver(
      DockerEngine engine,
      DockerProvisioner provisioner,
      ContainerExits exits,
      PortPublishing publishing) {
    this.engine = engine;
    this.provisioner = provisioner;
    this.exits = exits;
    this.publishing = publishing;
  }

  /** Where Berth reaches the app's ports: see {@link PortPublishing}. */
  Map<Integer, URI> endpoints(RuntimeSession s, InspectContainerResponse c, String network) {
    return publishing.endpoints(s, c, network);
  }

  /** See {@link dev.berth.runtime.SessionRuntime#inspect}; never throws. */
  ObservedState inspect(RuntimeSession s, DockerNames names) {
    try {
      if (!provisioner.volumeExists(names.volume())) {
        return new ObservedState.Missing("no volume " + names.volume());
      }
      Optional<InspectContainerResponse> found = provisioner.find(names.container());
      if (found.isEmpty()) {
        return RuntimeStates.notRunning(
            s.state(),
            () ->
                new ObservedState.Exited(
                    OptionalInt.empty(), "container " + names.container() + " is gone"));
      }
      var st = found.get().getState();
      if (Boolean.TRUE.equals(st.getRestarting())) {
        return new ObservedState.Pending("container is restarting");
      }
      if (Boolean.TRUE.equals(st.getRunning())) {
        return new ObservedState.Running(
            endpoints(s, found.get(), names.network()),
            probeAddresses(s, found.get(), names.network()));
      }
      return RuntimeStates.notRunning(
          s.state(),
          () -> {
            Long code = st.getExitCodeLong();
            boolean oom = Boolean.TRUE.equals(st.getOOMKilled());
            // An OOM kill is the kernel's signal: never on its own, and the detail says so.
            ContainerExits.Verdict how =
                oom
                    ? ContainerExits.Verdict.unknown("")
                    : exits.judge(
                        found.get().getId(),
                        st.getStartedAt(),
                        st.getFinishedAt(),
                        ContainerExits.DIE_EVENT_WAIT);
            String detail =
                "container "
                    + st.getStatus()
                    + (oom ? ", killed for running out of memory" : "")
                    + (st.getError() == null || st.getError().isBlank() ? "" : ": " + st.getError())
                    + how.why();
            return new ObservedState.Exited(
                code == null ? OptionalInt.empty() : OptionalInt.of(code.intValue()),
                detail,
                how.onItsOwn());
          });
    } catch (RuntimeException e) {
      return new ObservedState.Unknown(DockerEngine.reason(e));
    }
  }

  /**
   * Declared app ports at the container's own address on the session's network, {@code
   * http://<ip>:<port>/}: where the app listens. Probes must not use the published port: {@code
   * docker-proxy} accepts there as soon as the container starts, long before the app does. The host
   * reaches a container on a user-defined bridge network directly (with inter-container traffic
   * disabled too). Empty when the container has no address there (nothing to probe).
   */
  static Map<Integer, URI> probeAddresses(
      RuntimeSession s, InspectContainerResponse c, String network) {
    Map<Integer, URI> out = new TreeMap<>();
    Optional<String> ip = address(c, network);
    if (ip.isEmpty()) {
      return out;
    }
    String host = ip.get().contains(":") ? "[" + ip.get() + "]" : ip.get();
    for (int port : s.template().app().ports()) {
      out.put(port, URI.create("http://" + host + ":" + port + "/"));
    }
    return out;
  }

  /** The one network a container with an egress policy is attached to. */
  private static Optional<String> soleNetwork(InspectContainerResponse c) {
    if (c.getNetworkSettings() == null || c.getNetworkSettings().getNetworks() == null) {
      return Optional.empty();
    }
    var names = c.getNetworkSettings().getNetworks().keySet();
    return names.size() == 1 ? Optional.of(names.iterator().next()) : Optional.empty();
  }

  /** The container's IP address on {@code network}, if it is attached there and has one. */
  private static Optional<String> address(InspectContainerResponse c, String network) {
    if (c.getNetworkSettings() == null || c.getNetworkSettings().getNetworks() == null) {
      return Optional.empty();
    }
    var attached = c.getNetworkSettings().getNetworks().get(network);
    if (attached == null || attached.getIpAddress() == null || attached.getIpAddress().isBlank()) {
      return Optional.empty();
    }
    return Optional.of(attached.getIpAddress());
  }

  /** The container log's last lines; empty when there is no container. */
  String logTail(String container, int lines) {
    var out = new ByteArrayOutputStream();
    try {
      engine
          .client
          .logContainerCmd(container)
          .withStdOut(true)
          .withStdErr(true)
          .withTail(Math.max(0, lines))
          .exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                  synchronized (out) {
                    out.writeBytes(frame.getPayload());
                  }
                }
              })
          .awaitCompletion(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (DockerEngine.isNotFound(e)) {
        return "";
      }
      return "(cannot read the container log: " + DockerEngine.reason(e) + ")";
    }
    synchronized (out) {
      String text = out.toString(StandardCharsets.UTF_8);
      return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
  }
}
