package dev.berth.runtime.docker;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Keeps sessions with an egress policy off the host itself. A network Docker marks internal has no
 * route out of the machine, but the engine filters only forwarded traffic: a container on it still
 * opens connections to every address of the host (its gateway, the host's own IP), and so to every
 * service there that listens on all addresses. Checked on dockerd 20.10: a container on an internal
 * network reached a listener on the host's address until these rules were in place.
 *
 * <p>Three rules in the host's {@code INPUT} chain, the same for every Berth installation and every
 * such network, so they never need removing: new connections that arrive from a bridge named
 * {@value #CLOSED}{@code *} (sessions with {@code egress: none}) or {@value #PROXIED}{@code *}
 * (sessions with an allow list) are rejected, except those to the egress proxy's port from the
 * latter. Replies to connections the host opened (Berth reaching the app) are not new, so they
 * pass. Needs {@code iptables} and the right to change rules (root or CAP_NET_ADMIN) on the
 * engine's host, which is where Berth must run to reach a container's address anyway.
 */
final class HostFirewall {
  /** Bridge name prefix of the networks of sessions with {@code egress: none}. */
  static final String CLOSED = "bthn";

  /** Bridge name prefix of the networks of sessions that go out through the egress proxy. */
  static final String PROXIED = "bthp";

  private final int proxyPort;
  private volatile boolean ensured;

  HostFirewall(int proxyPort) {
    this.proxyPort = proxyPort;
  }

  /** The rules, in the order they must stand at the top of INPUT. */
  List<List<String>> rules() {
    return List.of(
        List.of(
            "-i",
            PROXIED + "+",
            "-p",
            "tcp",
            "--dport",
            Integer.toString(proxyPort),
            "-j",
            "ACCEPT"),
        List.of("-i", PROXIED + "+", "-m", "conntrack", "--ctstate", "NEW", "-j", "REJECT"),
        List.of("-i", CLOSED + "+", "-m", "conntrack", "--ctstate", "NEW", "-j", "REJECT"));
  }

  /** Why the rules cannot be set here, or empty when they can (asked once; cheap afterwards). */
  Optional<String> unavailable() {
    if (ensured) {
      return Optional.empty();
    }
    Result r = iptables(List.of("-S", "INPUT"));
    return r.code == 0
        ? Optional.empty()
        : Optional.of(
            "Berth cannot set the host firewall rules that keep such sessions off the host ("
                + r.output.strip()
                + "); run Berth as root (or with CAP_NET_ADMIN) on the engine's host, with"
                + " iptables installed");
  }

  /** Puts the rules in place unless they all are; synchronized: two prepares may ask at once. */
  synchronized void ensure() {
    if (ensured) {
      return;
    }
    List<List<String>> rules = rules();
    boolean all = rules.stream().allMatch(rule -> iptables(with("-C", rule)).code == 0);
    if (!all) {
      // Re-inserted as a block so that their order holds (the ACCEPT before its REJECT).
      for (List<String> rule : rules) {
        while (iptables(with("-D", rule)).code == 0) {
          // a duplicate left by an earlier Berth
        }
      }
      for (List<String> rule : rules.reversed()) {
        Result r = iptables(with("-I", rule, "1"));
        if (r.code != 0) {
          throw new BerthException(
              ErrorCode.RUNTIME_FAILURE,
              "cannot set host firewall rule iptables -I INPUT "
                  + String.join(" ", rule)
                  + ": "
                  + r.output.strip());
        }
      }
    }
    ensured = true;
  }

  private static List<String> with(String op, List<String> rule) {
    return with(op, rule, null);
  }

  private static List<String> with(String op, List<String> rule, String position) {
    List<String> args = new ArrayList<>(List.of(op, "INPUT"));
    if (position != null) {
      args.add(position);
    }
    args.addAll(rule);
    return args;
  }

  private record Result(int code, String output) {}

  private static Result iptables(List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "5"));
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "iptables did not answer in 10 s");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, "cannot run iptables: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
