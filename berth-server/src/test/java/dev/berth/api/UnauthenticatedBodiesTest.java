package dev.berth.api;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.RawHttpConnection;
import dev.berth.server.RawHttpConnection.Answer;
import dev.berth.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No request without a valid token makes Berth read more than 64 KiB of its body, on any edge. Each
 * test sends twice that and then stops, its body unfinished: a server that wanted more of it would
 * wait for the client and never answer, so an answer proves that the server read at most what was
 * sent. {@code /mcp} once buffered a chunked body of up to {@code maxMcpRequestBytes} (16 MiB)
 * before it looked at the token, and every error answer read up to 2 MiB more to deliver itself.
 */
class UnauthenticatedBodiesTest {
  /** What the client sends before it stops: more than a server may read without a token. */
  private static final int SENT = 2 * 64 * 1024;

  /** Under the server's idle timeout (30 s) and the client's read timeout (10 s). */
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  @TempDir Path home;
  private TestServer berth;

  @BeforeEach
  void start() {
    berth = new TestServer(home);
    assertThat(berth.admin("POST", "/api/v1/sessions", "{\"id\": \"u\"}").status()).isEqualTo(201);
  }

  @AfterEach
  void stop() {
    berth.close();
  }

  @Test
  void aChunkedMcpRequestWithoutATokenIsRefusedWithoutReadingItsBody() throws Exception {
    Answer refused = answerToUnfinishedChunkedBody("POST", "/mcp", mcpHeaders(null));
    assertThat(refused.status()).as(refused.body()).isEqualTo(401);
    assertThat(refused.headers().get("www-authenticate")).contains("Bearer");
  }

  @Test
  void aChunkedMcpRequestWithABadTokenIsRefusedWithoutReadingItsBody() throws Exception {
    Answer refused = answerToUnfinishedChunkedBody("POST", "/mcp", mcpHeaders("berth_not_a_token"));
    assertThat(refused.status()).as(refused.body()).isEqualTo(401);
    assertThat(refused.body()).contains("unauthorized");
  }

  @Test
  void anMcpRequestWithoutATokenDeclaringABodyIsRefusedAfterAtMost64KiB() throws Exception {
    String[] headers = withHeader(mcpHeaders(null), "Content-Length: " + 4 * SENT);
    Answer refused = answerToUnfinishedBody("POST", "/mcp", new byte[SENT], headers);
    assertThat(refused.status()).as(refused.body()).isEqualTo(401);
    assertThat(refused.headers().get("connection")).isEqualTo("close");
  }

  @Test
  void anUploadWithoutATokenIsRefusedAfterAtMost64KiB() throws Exception {
    // 4 x 128 KiB declared: within the 2 MiB an authenticated caller's error answer reads.
    Answer refused =
        answerToUnfinishedBody(
            "PUT", "/api/v1/sessions/u/files/x.bin", new byte[SENT], "Content-Length: " + 4 * SENT);
    assertThat(refused.status()).as(refused.body()).isEqualTo(401);
    assertThat(refused.headers().get("connection")).isEqualTo("close");
    assertThat(berth.admin("GET", "/api/v1/sessions/u/files/x.bin", null).status()).isEqualTo(404);
  }

  @Test
  void aChunkedLoginIsRefusedWithoutReadingMoreThanItsLimit() throws Exception {
    // The route reads its 64 KiB and refuses: nothing more is read to deliver the 413.
    Answer refused =
        answerToUnfinishedChunkedBody("POST", "/api/v1/login", "Content-Type: application/json");
    assertThat(refused.status()).as(refused.body()).isEqualTo(413);
    assertThat(refused.body()).contains("larger than the limit of 65536 bytes");
  }

  @Test
  void aProxiedPostWithoutALoginIsRefusedAfterAtMost64KiB() throws Exception {
    Answer refused =
        answerToUnfinishedBody(
            "POST", "/s/u/upload", new byte[SENT], "Content-Length: " + 4 * SENT);
    assertThat(refused.status()).as(refused.body()).isEqualTo(401);
    assertThat(refused.headers().get("connection")).isEqualTo("close");
  }

  @Test
  void anAuthenticatedCallerStillGetsItsErrorOnAConnectionThatStaysOpen() throws Exception {
    // The bigger allowance for callers with a token is kept (see RefusedUploadTest).
    try (var http = new RawHttpConnection(berth.url())) {
      http.head(
          "PUT",
          "/api/v1/sessions/nosuch/files/x.bin",
          "Authorization: Bearer " + berth.adminToken,
          "Content-Length: " + SENT);
      http.sendWithAPause(new byte[SENT]);
      Answer refused = http.read();
      assertThat(refused.status()).as(refused.body()).isEqualTo(404);
      assertThat(refused.headers().get("connection")).isNotEqualTo("close");
    }
  }

  private Answer answerToUnfinishedChunkedBody(String method, String path, String... headers)
      throws Exception {
    return answerToUnfinishedBody(
        method, path, chunks(SENT), withHeader(headers, "Transfer-Encoding: chunked"));
  }

  /** Sends the head and {@code sent}, not the rest of the body, and reads the answer. */
  private Answer answerToUnfinishedBody(String method, String path, byte[] sent, String... headers)
      throws Exception {
    try (var http = new RawHttpConnection(berth.url())) {
      http.head(method, path, headers);
      http.send(sent);
      long started = System.nanoTime();
      Answer answer = http.read();
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("time to the answer, the body unfinished after %d bytes", sent.length)
          .isLessThan(PROMPTLY);
      return answer;
    }
  }

  private static String[] mcpHeaders(String token) {
    String[] plain = {
      "Content-Type: application/json", "Accept: application/json, text/event-stream"
    };
    return token == null ? plain : withHeader(plain, "Authorization: Bearer " + token);
  }

  private static String[] withHeader(String[] headers, String header) {
    String[] all = java.util.Arrays.copyOf(headers, headers.length + 1);
    all[headers.length] = header;
    return all;
  }

  /** {@code size} bytes of body in 8 KiB chunks, without the last chunk that would end it. */
  private static byte[] chunks(int size) {
    var out = new ByteArrayOutputStream();
    for (int at = 0; at < size; at += 8 * 1024) {
      out.writeBytes((Integer.toHexString(8 * 1024) + "\r\n").getBytes(ISO_8859_1));
      out.writeBytes("a".repeat(8 * 1024).getBytes(ISO_8859_1));
      out.writeBytes("\r\n".getBytes(ISO_8859_1));
    }
    return out.toByteArray();
  }
}
