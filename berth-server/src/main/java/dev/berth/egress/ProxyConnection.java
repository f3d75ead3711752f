package dev.berth.egress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection a session opened to the egress proxy: reads the request head, decides, and either
 * answers with an error (400, 403, 502) or connects to the destination and relays bytes both ways
 * until either side is done. CONNECT becomes a tunnel after {@code 200 Connection established}; a
 * plain-HTTP request is sent on in origin form with {@code Connection: close}, so every request on
 * the connection goes to the destination that was checked.
 */
final class ProxyConnection implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyConnection.class);
  private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final Socket client;
  private final EgressProxy.Admission who;
  private final EgressJournal journal;

  ProxyConnection(Socket client, EgressProxy.Admission who, EgressJournal journal) {
    this.client = client;
    this.who = who;
    this.journal = journal;
  }

  @Override
  public void run() {
    try (client) {
      client.setSoTimeout((int) HEAD_TIMEOUT.toMillis());
      Optional<RequestHead> read = RequestHead.read(client.getInputStream());
      if (who == null) {
        // No session of Berth's is at this address: nothing to record it in but the log.
        LOG.warn("egress proxy: refused {}, which is no admitted session", client.getInetAddress());
        answer(403, "this address is no session Berth lets out");
        return;
      }
      if (read.isEmpty()) {
        answer(400, "not an HTTP proxy request");
        return;
      }
      RequestHead head = read.get();
      Optional<RequestHead.Target> target = head.destination();
      if (target.isEmpty()) {
        answer(
            400,
            "send CONNECT host:port (for https and other TCP) or an absolute http:// URL,"
                + " not "
                + head.method()
                + " "
                + head.target());
        return;
      }
      RequestHead.Target t = target.get();
      String destination = t.authority();
      switch (Destinations.check(who.policy(), t.host(), t.port())) {
        case Destinations.Verdict.Refuse r -> {
          journal.record(who.id(), destination, false, r.reason());
          answer(403, "egress to " + destination + " refused: " + r.reason());
        }
        case Destinations.Verdict.Go go -> relay(head, t, destination, go);
      }
    } catch (IOException e) {
      LOG.debug("egress proxy connection from {}: {}", client.getInetAddress(), e.toString());
    }
  }

  private void relay(
      RequestHead head, RequestHead.Target t, String destination, Destinations.Verdict.Go go)
      throws IOException {
    try (Socket upstream = new Socket()) {
      try {
        upstream.connect(
            new InetSocketAddress(go.address(), t.port()), (int) CONNECT_TIMEOUT.toMillis());
      } catch (IOException e) {
        journal.record(who.id(), destination, true, "but the connection failed: " + e.getMessage());
        answer(502, "cannot connect to " + destination + ": " + e.getMessage());
        return;
      }
      journal.record(who.id(), destination, true, "");
      client.setSoTimeout(0);
      OutputStream toClient = client.getOutputStream();
      OutputStream toUpstream = upstream.getOutputStream();
      if (head.isConnect()) {
        toClient.write(
            "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        toClient.flush();
      } else {
        toUpstream.write(head.forOrigin(t));
      }
      toUpstream.write(head.rest());
      toUpstream.flush();
      Thread up = Thread.ofVirtual().start(() -> pump(clientIn(), toUpstream, upstream));
      pump(upstream.getInputStream(), toClient, client);
      if (!head.isConnect()) {
        client.close(); // one request per connection: the answer is complete
      }
      try {
        up.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private InputStream clientIn() {
    try {
      return client.getInputStream();
    } catch (IOException e) {
      return InputStream.nullInputStream();
    }
  }

  /** Copies until the end of {@code in}, then ends the output side of {@code to}'s socket. */
  private static void pump(InputStream in, OutputStream out, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the other side went away: end this direction too
    }
    try {
      to.shutdownOutput();
    } catch (IOException e) {
      // closed already
    }
  }

  private void answer(int status, String message) throws IOException {
    String reason =
        switch (status) {
          case 400 -> "Bad Request";
          case 403 -> "Forbidden";
          default -> "Bad Gateway";
        };
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + reason
            + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    OutputStream out = client.getOutputStream();
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }
}
