package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies stream through the proxy, both ways: events arrive as the app sends them, and a 200 MiB
 * body in either direction never sits in the server. The proof is a stall: when one end stops
 * reading, the other end soon stops being able to write, with at most the sockets' and the proxy's
 * small buffers in between (far less than the body).
 */
class ProxyStreamingTest {
  private static final long MIB = 1 << 20;
  private static final long BODY = 200 * MIB;
  // Loopback socket buffers grow to a few MiB each; two hops of send + receive buffers and the
  // HTTP client's queue stay well under this. A proxy that buffered would show ~200 MiB.
  private static final long IN_FLIGHT_BOUND = 48 * MIB;

  @TempDir static Path home;
  static ProxyFixture f;
  static String cookie;

  @BeforeAll
  static void start() {
    f = new ProxyFixture(home);
    cookie = f.login("stream", f.create("stream", "testapp"));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private HttpResponse<InputStream> open(String method, String path, HttpRequest.BodyPublisher b)
      throws Exception {
    return f.http.send(
        HttpRequest.newBuilder(URI.create(f.berth.url() + path))
            .header("Cookie", cookie)
            .method(method, b)
            .build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  private long appCounter(String name) {
    return Long.parseLong(f.get("/s/stream/" + name, Map.of("Cookie", cookie)).body().strip());
  }

  /** Waits until {@code value} stops changing for a second, and returns it. */
  private static long settled(LongSupplier value) {
    AtomicLong last = new AtomicLong(-1);
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .during(Duration.ofSeconds(1))
        .until(() -> last.getAndSet(value.getAsLong()) == last.get());
    return last.get();
  }

  @Test
  void serverSentEventsArriveAsTheAppSendsThem() throws Exception {
    HttpResponse<InputStream> events =
        open("GET", "/s/stream/sse", HttpRequest.BodyPublishers.noBody());
    assertThat(events.statusCode()).isEqualTo(200);
    assertThat(events.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    try (InputStream in = events.body()) {
      // The app sends "second" only after /release: the first must arrive before that.
      assertThat(readUntil(in, "data: first\n\n")).isTrue();
      assertThat(f.get("/s/stream/release", Map.of("Cookie", cookie)).body()).isEqualTo("released");
      assertThat(readUntil(in, "data: second\n\n")).isTrue();
    }
  }

  private static boolean readUntil(InputStream in, String expected) throws Exception {
    return CompletableFuture.supplyAsync(
            () -> {
              var seen = new StringBuilder();
              try {
                while (!seen.toString().endsWith(expected)) {
                  int c = in.read();
                  if (c < 0) {
                    return false;
                  }
                  seen.append((char) c);
                }
                return true;
              } catch (IOException e) {
                return false;
              }
            })
        .get(20, TimeUnit.SECONDS);
  }

  @Test
  void a200MibDownloadStreamsWithBoundedBuffering() throws Exception {
    HttpResponse<InputStream> r =
        open("GET", "/s/stream/download?mb=200", HttpRequest.BodyPublishers.noBody());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(BODY);
    try (InputStream in = r.body()) {
      byte[] pattern = ProxyTestApp.pattern(64 * 1024);
      byte[] buf = new byte[64 * 1024];
      long read = readFully(in, buf, MIB, pattern, 0);
      long written = settled(() -> appCounter("written"));
      assertThat(written - read)
          .as("bytes the app got out while the client read only %d", read)
          .isLessThan(IN_FLIGHT_BOUND);
      read = readFully(in, buf, BODY - read, pattern, read);
      assertThat(read).isEqualTo(BODY);
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  /** Reads {@code n} bytes checking them against the app's pattern; returns the new offset. */
  private static long readFully(InputStream in, byte[] buf, long n, byte[] pattern, long offset)
      throws IOException {
    long done = 0;
    while (done < n) {
      int k = in.read(buf, 0, (int) Math.min(buf.length, n - done));
      assertThat(k).as("end of body after %d bytes", offset + done).isPositive();
      for (int i = 0; i < k; i++) {
        long pos = offset + done + i;
        if (buf[i] != pattern[(int) (pos % pattern.length)]) {
          throw new AssertionError("byte " + pos + " differs");
        }
      }
      done += k;
    }
    return offset + done;
  }

  @Test
  void a200MibUploadStreamsWithBoundedBuffering() throws Exception {
    AtomicLong produced = new AtomicLong();
    CRC32 crc = new CRC32();
    byte[] pattern = ProxyTestApp.pattern(64 * 1024);
    InputStream body =
        new InputStream() {
          @Override
          public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            long left = BODY - produced.get();
            if (left <= 0) {
              return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
              b[off + i] = pattern[(int) ((produced.get() + i) % pattern.length)];
            }
            crc.update(b, off, n);
            produced.addAndGet(n);
            return n;
          }
        };
    var publisher =
        HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(() -> body), BODY);
    CompletableFuture<HttpResponse<String>> answer =
        f.http.sendAsync(
            HttpRequest.newBuilder(URI.create(f.berth.url() + "/s/stream/upload?pauseAfter=" + MIB))
                .header("Cookie", cookie)
                .POST(publisher)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> appCounter("received") >= MIB);
    long sent = settled(produced::get);
    long received = appCounter("received");
    assertThat(sent - received)
        .as("bytes the client got out while the app had read only %d", received)
        .isLessThan(IN_FLIGHT_BOUND);
    assertThat(f.get("/s/stream/resume", Map.of("Cookie", cookie)).body()).isEqualTo("resumed");
    HttpResponse<String> done = answer.get(120, TimeUnit.SECONDS);
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).isEqualTo(BODY + " " + Long.toHexString(crc.getValue()));
  }

  @Test
  void aBodyTheAppCutsShortIsCutShortForTheClientToo() {
    assertThatThrownBy(
            () ->
                f.http.send(
                    HttpRequest.newBuilder(URI.create(f.berth.url() + "/s/stream/cut"))
                        .header("Cookie", cookie)
                        .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
  }
}
