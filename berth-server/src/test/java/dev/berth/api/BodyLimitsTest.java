package dev.berth.api;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.RawHttpConnection;
import dev.berth.server.RawHttpConnection.Answer;
import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes that take no file, archive or stdin read at most 64 KiB of a body, and refuse more with a
 * 413 before reading it: the public login once read up to maxRequestBytes (256 MiB) into memory,
 * and parallel big logins exhausted the heap. Uploads and exec still take big bodies.
 */
class BodyLimitsTest {
  private static final int LIMIT = 64 * 1024;

  @TempDir Path home;
  private TestServer berth;

  @BeforeEach
  void start() {
    berth = new TestServer(home);
    assertThat(berth.admin("POST", "/api/v1/sessions", "{\"id\": \"big\"}").status())
        .isEqualTo(201);
  }

  @AfterEach
  void stop() {
    berth.close();
  }

  @Test
  void aLoginDeclaringABigBodyIsRefusedBeforeAnyOfItIsSent() throws Exception {
    long declared = 200L * 1024 * 1024;
    try (var http = new RawHttpConnection(berth.url())) {
      http.head(
          "POST",
          "/api/v1/login",
          "Content-Type: application/json",
          "Content-Length: " + declared,
          "Expect: 100-continue");

      // Not "100 Continue": the server must not ask for a body over the limit.
      Answer refused = http.read();
      assertThat(refused.status()).as(refused.body()).isEqualTo(413);
      assertThat(refused.body())
          .contains("too_large")
          .contains("the body is " + declared + " bytes; the limit is " + LIMIT);
    }
  }

  @Test
  void aChunkedLoginThatNeverEndsIsRefusedPromptlyWithoutBeingBuffered() throws Exception {
    assertChunkedBodyThatNeverEndsIsRefused("POST", "/api/v1/login");
  }

  @Test
  void aChunkedJsonBodyThatNeverEndsIsRefusedPromptly() throws Exception {
    assertChunkedBodyThatNeverEndsIsRefused(
        "POST", "/api/v1/sessions", "Authorization: Bearer " + berth.adminToken);
  }

  @Test
  void aJsonRouteRefusesABodyOverTheLimitAndMakesNothing() throws Exception {
    String big = "{\"id\": \"toobig\", \"labels\": {\"k\": \"" + "x".repeat(LIMIT) + "\"}}";
    try (var http = new RawHttpConnection(berth.url())) {
      http.head(
          "POST",
          "/api/v1/sessions",
          "Authorization: Bearer " + berth.adminToken,
          "Content-Type: application/json",
          "Content-Length: " + big.length());
      http.sendWithAPause(big.getBytes(UTF_8));

      Answer refused = http.read();
      assertThat(refused.status()).as(refused.body()).isEqualTo(413);
      assertThat(refused.body()).contains("the limit is " + LIMIT);
    }
    assertThat(berth.admin("GET", "/api/v1/sessions/toobig", null).status()).isEqualTo(404);
  }

  @Test
  void uploadsArchivesAndExecStillTakeBodiesOverTheSmallLimit() throws Exception {
    byte[] file = new byte[1024 * 1024];
    Response put = berth.admin("PUT", "/api/v1/sessions/big/files/one.bin", file);
    assertThat(put.status()).as(put.toString()).isEqualTo(201);
    assertThat(put.json().get("size").asLong()).isEqualTo(file.length);

    Response archive = berth.admin("PUT", "/api/v1/sessions/big/archive?path=t", tar(300 * 1024));
    assertThat(archive.status()).as(archive.toString()).isEqualTo(204);
    assertThat(berth.admin("GET", "/api/v1/sessions/big/files/t/a.bin?stat=true", null).text())
        .contains("\"size\":" + 300 * 1024);

    String stdin = "y".repeat(200 * 1024);
    Response exec =
        berth.admin(
            "POST",
            "/api/v1/sessions/big/exec",
            "{\"command\": [\"wc\", \"-c\"], \"stdin\": \"" + stdin + "\"}");
    assertThat(exec.status()).as(exec.toString()).isEqualTo(200);
    assertThat(exec.json().get("stdout").asString().strip()).isEqualTo("" + stdin.length());
  }

  /**
   * Sends chunks for as long as the server takes them, while the answer is awaited: the answer must
   * come, and before the client has sent much more than the limit (the server reads a bounded rest
   * to deliver it, and the sockets buffer some), not after maxRequestBytes.
   */
  private void assertChunkedBodyThatNeverEndsIsRefused(String method, String path, String... auth)
      throws Exception {
    var sent = new AtomicLong();
    try (var http = new RawHttpConnection(berth.url())) {
      String[] headers = new String[auth.length + 2];
      System.arraycopy(auth, 0, headers, 0, auth.length);
      headers[auth.length] = "Content-Type: application/json";
      headers[auth.length + 1] = "Transfer-Encoding: chunked";
      http.head(method, path, headers);
      Thread sender =
          Thread.ofVirtual()
              .start(
                  () -> {
                    byte[] chunk = chunk(16 * 1024);
                    try {
                      while (true) {
                        http.send(chunk);
                        sent.addAndGet(chunk.length);
                      }
                    } catch (IOException e) {
                      // the server closed the connection: what the test expects in the end
                    }
                  });

      Answer refused = http.read();
      assertThat(refused.status()).as(refused.body()).isEqualTo(413);
      assertThat(refused.body()).contains("larger than the limit of " + LIMIT + " bytes");
      assertThat(sent.get())
          .as("bytes the client had sent when the answer came")
          .isLessThan(32L * 1024 * 1024);
      http.close();
      sender.join(10_000);
    }
  }

  private static byte[] chunk(int size) {
    var out = new ByteArrayOutputStream();
    out.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(ISO_8859_1));
    out.writeBytes("a".repeat(size).getBytes(ISO_8859_1));
    out.writeBytes("\r\n".getBytes(ISO_8859_1));
    return out.toByteArray();
  }

  private static byte[] tar(int size) throws IOException {
    var bytes = new ByteArrayOutputStream();
    try (var tar = new TarArchiveOutputStream(bytes)) {
      var entry = new TarArchiveEntry("a.bin");
      entry.setSize(size);
      tar.putArchiveEntry(entry);
      tar.write(new byte[size]);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }
}
