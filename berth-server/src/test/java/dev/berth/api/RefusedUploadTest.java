package dev.berth.api;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.http.UnreadRequestBody;
import dev.berth.server.RawHttpConnection;
import dev.berth.server.RawHttpConnection.Answer;
import dev.berth.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload refused before its body is read (413, 401, 404) must still reach the client as that
 * answer. Left unread, the body made Jetty close the connection with a reset that could destroy the
 * answer in flight (CI: "HTTP/1.1 header parser received no bytes" instead of a 413). Berth now
 * reads a bounded rest of the body first, so the connection also stays open for the next request,
 * which is what these tests check: with the old behaviour the second request on the same connection
 * fails every time, not one time in ten.
 */
class RefusedUploadTest {
  private static final int OVER_THE_LIMIT = 70 * 1024;

  @TempDir Path home;
  private TestServer berth;
  private String auth;

  @BeforeEach
  void start() {
    berth = new TestServer(home, Map.of("BERTH_MAX_FILE_BYTES", "64k"));
    auth = "Authorization: Bearer " + berth.adminToken;
    assertThat(berth.admin("POST", "/api/v1/sessions", "{\"id\": \"up\"}").status()).isEqualTo(201);
  }

  @AfterEach
  void stop() {
    berth.close();
  }

  @Test
  void aBodyOverTheDeclaredLimitGetsThe413AndTheConnectionServesTheNextRequest() throws Exception {
    try (var http = new RawHttpConnection(berth.url())) {
      http.head(
          "PUT", "/api/v1/sessions/up/files/big.bin", auth, "Content-Length: " + OVER_THE_LIMIT);
      http.sendWithAPause(new byte[OVER_THE_LIMIT]);

      Answer refused = http.read();
      assertThat(refused.status()).as(refused.body()).isEqualTo(413);
      assertThat(refused.body()).contains("too_large").contains("the limit is 65536");
      assertThat(refused.headers().get("connection")).isNotEqualTo("close");

      assertNextRequestIsServed(http);
    }
    assertThat(berth.admin("GET", "/api/v1/sessions/up/files/big.bin", null).status())
        .as("a refused upload leaves no file")
        .isEqualTo(404);
  }

  @Test
  void aChunkedBodyThatOutgrowsTheLimitGetsThe413AndTheConnectionServesTheNextRequest()
      throws Exception {
    try (var http = new RawHttpConnection(berth.url())) {
      http.head("PUT", "/api/v1/sessions/up/files/big.bin", auth, "Transfer-Encoding: chunked");
      // Its first half already passes the limit: the server refuses while the rest is coming.
      http.sendWithAPause(chunked(new byte[2 * OVER_THE_LIMIT], 8 * 1024));

      Answer refused = http.read();
      assertThat(refused.status()).as(refused.body()).isEqualTo(413);
      assertThat(refused.body()).contains("larger than the limit");

      assertNextRequestIsServed(http);
    }
  }

  @Test
  void anUploadWithoutATokenGetsThe401AndTheConnectionServesTheNextRequest() throws Exception {
    try (var http = new RawHttpConnection(berth.url())) {
      http.head("PUT", "/api/v1/sessions/up/files/x.bin", "Content-Length: 60000");
      http.sendWithAPause(new byte[60000]);

      assertThat(http.read().status()).isEqualTo(401);

      assertNextRequestIsServed(http);
    }
  }

  @Test
  void aClientThatAsksBeforeSendingAHugeBodyIsRefusedWithoutSendingIt() throws Exception {
    long huge = 10L * UnreadRequestBody.LIMIT;
    try (var http = new RawHttpConnection(berth.url())) {
      http.head(
          "PUT",
          "/api/v1/sessions/up/files/huge.bin",
          auth,
          "Content-Length: " + huge,
          "Expect: 100-continue");

      // Not "100 Continue": Berth must not ask for a body it will throw away.
      Answer refused = http.read();
      assertThat(refused.status()).isEqualTo(413);
      assertThat(refused.body()).contains("the body is " + huge + " bytes");
      assertThat(refused.headers().get("connection")).isEqualTo("close");
    }
  }

  private void assertNextRequestIsServed(RawHttpConnection http) throws Exception {
    http.head("GET", "/api/v1/sessions/up", auth);
    Answer next = http.read();
    assertThat(next.status()).as(next.body()).isEqualTo(200);
    assertThat(next.body()).contains("\"id\":\"up\"");
  }

  private static byte[] chunked(byte[] body, int chunk) {
    var out = new ByteArrayOutputStream();
    for (int at = 0; at < body.length; at += chunk) {
      int n = Math.min(chunk, body.length - at);
      out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(ISO_8859_1));
      out.write(body, at, n);
      out.writeBytes("\r\n".getBytes(ISO_8859_1));
    }
    out.writeBytes("0\r\n\r\n".getBytes(ISO_8859_1));
    return out.toByteArray();
  }
}
