package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeSession;
import dev.berth.template.SessionContainer;
import dev.berth.template.Template;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How a local session's containers reach each other. There is no network of the session's own and
 * no DNS for type names here: every container is a host process, so the ports an extra container
 * declares are this host's own ports, and it is reached at {@code 127.0.0.1:<port>}. Every process
 * of a session of several containers (the app, each container, their execs) is told where the
 * others are: {@code BERTH_HOST_<TYPE>=127.0.0.1} for each type (the app's is {@code SESSION}) and
 * {@code BERTH_ADDR_<TYPE>_<PORT>=127.0.0.1:<port>} for each declared port (the app's own ports are
 * the host ports it was given, as ever). A type's letters are upper-cased and its '-' become '_'.
 * So a template written for Docker ({@code http://plugin:8081/}) runs on both when it says {@code
 * http://${BERTH_HOST_PLUGIN:-plugin}:8081/}.
 *
 * <p>Since the ports are the host's, two sessions whose containers listen on the same port cannot
 * run at once, nor can two containers of one template declare the same port: both are refused with
 * a message that says so, before the process starts (and at create, when it can be told then).
 */
final class LocalAddresses {
  static final String LOOPBACK = "127.0.0.1";

  private LocalAddresses() {}

  static String variable(String type) {
    return type.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** The address variables of every container of the session; empty without extra containers. */
  static Map<String, String> of(RuntimeSession s) {
    Map<String, String> env = new TreeMap<>();
    Template t = s.template();
    if (t.containers().isEmpty()) {
      return env;
    }
    String main = variable(SessionContainer.MAIN);
    env.put("BERTH_HOST_" + main, LOOPBACK);
    if (t.hasApp()) {
      for (int port : t.app().ports()) {
        String hostPort = s.state().get("port." + port);
        if (hostPort != null) {
          env.put("BERTH_ADDR_" + main + "_" + port, LOOPBACK + ":" + hostPort);
        }
      }
    }
    for (SessionContainer c : t.containers().inStartOrder()) {
      env.put("BERTH_HOST_" + variable(c.type()), LOOPBACK);
      for (int port : c.ports()) {
        env.put("BERTH_ADDR_" + variable(c.type()) + "_" + port, LOOPBACK + ":" + port);
      }
    }
    return env;
  }

  /** What keeps the template's containers from listening here, before anything is made. */
  static List<PreflightProblem> preflight(Template t) {
    List<PreflightProblem> problems = new ArrayList<>();
    Map<Integer, String> owners = new TreeMap<>();
    for (SessionContainer c : t.containers().inStartOrder()) {
      for (int port : c.ports()) {
        String first = owners.putIfAbsent(port, c.type());
        if (first != null) {
          problems.add(
              new PreflightProblem.Unmet(
                  "containers '"
                      + first
                      + "' and '"
                      + c.type()
                      + "' of template '"
                      + t.name()
                      + "' both listen on port "
                      + port
                      + ", and on the local backend a container's ports are this host's own: give"
                      + " one of them another port, or use a container backend"));
        } else if (c.autoStarts() && taken(port)) {
          problems.add(new PreflightProblem.Unmet(takenMessage(t, c, port)));
        }
      }
    }
    return problems;
  }

  /** CONFLICT naming the port when one of the container's ports is taken on this host now. */
  static void requireFree(RuntimeSession s, SessionContainer c) {
    for (int port : c.ports()) {
      if (taken(port)) {
        throw new BerthException(ErrorCode.CONFLICT, takenMessage(s.template(), c, port));
      }
    }
  }

  private static String takenMessage(Template t, SessionContainer c, int port) {
    return "container '"
        + c.type()
        + "' of template '"
        + t.name()
        + "' listens on port "
        + port
        + ", which is taken on this host (by another session of the template, or another"
        + " program): on the local backend a container's ports are this host's own, so stop what"
        + " holds it, or use a container backend";
  }

  /**
   * Whether something listens on {@code port} (on any address: a bind to the wildcard fails then).
   */
  static boolean taken(int port) {
    try (var socket = new ServerSocket()) {
      socket.setReuseAddress(true); // a port in TIME_WAIT after its last user is free
      socket.bind(new InetSocketAddress(port), 1);
      return false;
    } catch (IOException e) {
      // A privileged port Berth's user may not bind is not "taken": its own process fails there.
      return !String.valueOf(e.getMessage()).contains("Permission denied");
    }
  }

  /** A port nothing listens on now, for the app (the kernel's pick). */
  static int freePort() {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The host ports the app was given at its start, as recorded in the state. */
  static Map<Integer, URI> appEndpoints(RuntimeSession s) {
    Map<Integer, URI> out = new TreeMap<>();
    for (int port : s.template().app().ports()) {
      Optional.ofNullable(s.state().get("port." + port))
          .ifPresent(p -> out.put(port, URI.create("http://127.0.0.1:" + p + "/")));
    }
    return out;
  }
}
