package dev.berth.egress;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.template.EgressDestination;
import dev.berth.template.EgressPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The egress proxy on loopback: the "session" is this test connecting from 127.0.0.1 (admitted as
 * such), the destinations are listeners on 127.0.0.1. What it lets through, what it refuses, and
 * what it records.
 */
class EgressProxyTest {
  record Entry(SessionId id, String destination, boolean allowed, String reason) {}

  private final List<Entry> journal = new CopyOnWriteArrayList<>();
  private final SessionId session = SessionId.of("agent");
  private final InetAddress loopback = InetAddress.getLoopbackAddress();
  private ServerSocket listed;
  private ServerSocket unlisted;
  private EgressProxy proxy;
  private int proxyPort;

  @BeforeEach
  void start() throws IOException {
    listed = answering("listed");
    unlisted = answering("unlisted");
    try (ServerSocket free = new ServerSocket(0, 1, loopback)) {
      proxyPort = free.getLocalPort();
    }
    proxy = new EgressProxy(proxyPort, (id, d, ok, why) -> journal.add(new Entry(id, d, ok, why)));
    proxy.admit(
        loopback,
        loopback,
        session,
        new EgressPolicy.Allow(
            List.of(
                EgressDestination.parse("127.0.0.1:" + listed.getLocalPort()),
                EgressDestination.parse("localhost:" + unlisted.getLocalPort()))));
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    listed.close();
    unlisted.close();
  }

  /**
   * A listener that answers every connection with an HTTP response naming itself and the request
   * line.
   */
  private static ServerSocket answering(String word) throws IOException {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                  byte[] buf = new byte[4096];
                  int n = c.getInputStream().read(buf);
                  String first = new String(buf, 0, Math.max(0, n), ISO_8859_1).split("\r\n")[0];
                  c.getOutputStream()
                      .write(
                          ("HTTP/1.0 200 OK\r\n\r\n" + word + " got " + first + "\n")
                              .getBytes(ISO_8859_1));
                } catch (IOException e) {
                  // closed
                }
              }
            });
    return s;
  }

  private String ask(String request) throws IOException {
    return ask(new InetSocketAddress(loopback, 0), request);
  }

  private String ask(InetSocketAddress from, String request) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(from);
      s.connect(new InetSocketAddress(loopback, proxyPort), 5_000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), ISO_8859_1);
    }
  }

  @Test
  void connectReachesAListedDestinationAndIsRecorded() throws IOException {
    int port = listed.getLocalPort();
    String answer =
        ask(
            "CONNECT 127.0.0.1:"
                + port
                + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\n\r\nGET /through-the-tunnel HTTP/1.0\r\n\r\n");
    assertThat(answer)
        .startsWith("HTTP/1.1 200 Connection established\r\n\r\n")
        .contains("listed got GET /through-the-tunnel HTTP/1.0");
    assertThat(journal).containsExactly(new Entry(session, "127.0.0.1:" + port, true, ""));
  }

  @Test
  void anAbsoluteHttpRequestGoesOnInOriginFormWithoutProxyHeaders() throws IOException {
    int port = listed.getLocalPort();
    String answer =
        ask(
            "GET http://127.0.0.1:"
                + port
                + "/pkg?x=1 HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nProxy-Authorization: Basic c2VjcmV0\r\n\r\n");
    assertThat(answer).contains("listed got GET /pkg?x=1 HTTP/1.1");
    assertThat(journal).containsExactly(new Entry(session, "127.0.0.1:" + port, true, ""));
  }

  @Test
  void anUnlistedDestinationIsRefusedAndRecorded() throws IOException {
    String target = "127.0.0.1:" + unlisted.getLocalPort();
    String answer = ask("CONNECT " + target + " HTTP/1.1\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 403 Forbidden").doesNotContain("unlisted got");
    assertThat(journal)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.destination()).isEqualTo(target);
              assertThat(e.allowed()).isFalse();
              assertThat(e.reason()).contains("not in the template's allow list");
            });
  }

  @Test
  void aListedNameThatLeadsToTheHostItselfIsRefused() throws IOException {
    // "localhost:<port>" is on the list, but a name resolving to loopback is Berth's own host.
    String target = "localhost:" + unlisted.getLocalPort();
    String answer = ask("GET http://" + target + "/ HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 403").contains("address of Berth's own host");
    assertThat(journal).extracting(Entry::allowed).containsExactly(false);
  }

  @Test
  void aConnectionFromNoAdmittedSessionIsRefusedAndAForgottenSessionsToo() throws IOException {
    InetAddress other = InetAddress.getByName("127.0.0.2");
    String target = "127.0.0.1:" + listed.getLocalPort();
    assertThat(ask(new InetSocketAddress(other, 0), "CONNECT " + target + " HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 403")
        .contains("no session Berth lets out");
    proxy.forget(session);
    assertThat(proxy.listening()).as("nobody is admitted there any more").isEmpty();
    proxy.admit(
        loopback, other, session, new EgressPolicy.Allow(List.of(EgressDestination.parse(target))));
    assertThat(ask("CONNECT " + target + " HTTP/1.1\r\n\r\n"))
        .as("127.0.0.1 was forgotten; only 127.0.0.2 is the session now")
        .startsWith("HTTP/1.1 403");
    assertThat(journal).isEmpty();
  }

  @Test
  void somethingThatIsNoProxyRequestIsABadRequest() throws IOException {
    assertThat(ask("GET /relative HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(ask("GET https://127.0.0.1:1/ HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(journal).isEmpty();
  }
}
