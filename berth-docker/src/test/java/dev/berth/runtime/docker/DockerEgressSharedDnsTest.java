package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.runtime.EgressGate;
import dev.berth.runtime.RuntimeSession;
import dev.berth.template.EgressDestination;
import dev.berth.template.EgressPolicy;
import dev.berth.template.Template;
import java.net.InetAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions with an egress policy share Berth's internal networks ({@code <prefix>-net-closed} for
 * {@code none}, {@code <prefix>-net-proxied} for allow lists), and Docker's embedded DNS answers
 * there as on any user-defined network: for every container on it, by name, hostname, alias and
 * address. A session must still not learn who its neighbour is: neither a reverse lookup of the
 * neighbour's address nor a lookup of any name it could guess (the id, the template, the names
 * Berth used to give, the {@code session} alias of a session's own containers) may tell it.
 *
 * <p>Each check is paired with one that shows the DNS does answer for the neighbour (its opaque
 * name resolves to its address, and its address to that name), so a lookup that reveals nothing is
 * not just a DNS that answers nothing.
 */
class DockerEgressSharedDnsTest extends DockerTestBase {
  @BeforeAll
  static void shareTheNetworks() {
    runtime =
        DockerTestSupport.runtime(engine, prefix, SessionNetworks.SHARED_NO_ICC)
            .useEgressGate(new NoTrafficGate());
  }

  @Test
  void onTheClosedNetworkANeighbourIsNobodyInParticular() {
    neighboursStayAnonymous(EgressPolicy.NONE, "-net-closed");
  }

  @Test
  void onTheProxiedNetworkANeighbourIsNobodyInParticular() {
    // The destination is never contacted: the test only looks names up on the network.
    var allow = new EgressPolicy.Allow(List.of(EgressDestination.parse("outside.invalid:443")));
    neighboursStayAnonymous(allow, "-net-proxied");
  }

  private void neighboursStayAnonymous(EgressPolicy policy, String suffix) {
    String network = prefix + suffix;
    RuntimeSession a = started(template("lookout", policy));
    RuntimeSession b = started(template("secretapp", policy));
    assertThat(a.state().get("network")).isEqualTo(network);
    assertThat(b.state().get("network")).isEqualTo(network);
    String idB = b.id().value();
    String nameB = b.state().get("container");
    String ipB = container(b).getNetworkSettings().getNetworks().get(network).getIpAddress();
    assertThat(nameB).matches(prefix + "-session-[0-9a-f]{16}");
    assertThat(out(sh(b, "hostname")).strip()).isEqualTo(nameB);

    // The control: Docker's DNS answers for B both ways, with the name that says nothing.
    assertThat(lookup(a, nameB)).as("B's own (opaque) name resolves").contains(ipB);
    String reverse = lookup(a, ipB);
    assertThat(reverse).as("the reverse lookup of B's address").contains(nameB);
    assertThat(reverse).doesNotContain(idB).doesNotContain("secretapp");

    List<String> guesses =
        List.of(
            idB,
            "secretapp",
            SessionSidecars.ALIAS_MAIN,
            prefix + "-session-secretapp-" + idB,
            prefix + "-secretapp-" + idB,
            idB + "." + network,
            "secretapp." + network,
            prefix + "-session-secretapp-" + idB + "." + network);
    Map<String, String> answers = lookups(a, guesses);
    assertThat(answers).containsOnlyKeys(guesses);
    answers.forEach(
        (guess, answer) ->
            assertThat(answer).as("lookup of %s", guess).doesNotContain(ipB).endsWith("exit 1"));
    assertThat(out(sh(a, "cat /etc/hosts")))
        .as("A's hosts file names nobody else")
        .doesNotContain(ipB)
        .doesNotContain(idB);
  }

  private static Template template(String name, EgressPolicy policy) {
    return Templates.plain(name).toBuilder().egress(policy).build();
  }

  private static String lookup(RuntimeSession s, String what) {
    return out(sh(s, "nslookup " + what + " 2>&1"));
  }

  /**
   * Each name looked up from {@code s}, at once: on an internal network Docker's DNS does not
   * answer a name it does not know, so each such lookup waits out busybox's 5 s. Each answer ends
   * with nslookup's exit code ({@code exit 1}: not resolved).
   */
  private static Map<String, String> lookups(RuntimeSession s, List<String> names) {
    String list = String.join(" ", names);
    String script =
        "d=$(mktemp -d) && for n in "
            + list
            + "; do (nslookup \"$n\" >\"$d/$n\" 2>&1; echo \"exit $?\" >>\"$d/$n\") & done;"
            + " wait; for n in "
            + list
            + "; do echo \"== $n\"; cat \"$d/$n\"; done; rm -r \"$d\"";
    Map<String, String> out = new LinkedHashMap<>();
    String name = null;
    StringBuilder answer = new StringBuilder();
    for (String line : out(sh(s, script)).split("\n")) {
      if (line.startsWith("== ")) {
        if (name != null) {
          out.put(name, answer.toString().strip());
        }
        name = line.substring(3);
        answer.setLength(0);
      } else {
        answer.append(line).append('\n');
      }
    }
    if (name != null) {
      out.put(name, answer.toString().strip());
    }
    return out;
  }

  /**
   * Stands in for Berth's egress proxy, which a runtime needs to make allow-list sessions; nothing
   * in this test goes through it.
   */
  private static final class NoTrafficGate implements EgressGate {
    @Override
    public boolean available() {
      return true;
    }

    @Override
    public URI address(InetAddress hostSide) {
      return URI.create("http://" + hostSide.getHostAddress() + ":" + PORT);
    }

    @Override
    public void admit(
        InetAddress hostSide, InetAddress source, SessionId id, EgressPolicy.Allow policy) {}

    @Override
    public void forget(SessionId id) {}
  }
}
