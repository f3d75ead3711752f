package dev.berth.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients that each append lines to one file by read-then-write over REST, with {@code If-Match}
 * (the ETag the read returned), retrying a refused write (412) from a fresh read: the way a client
 * of file versions is meant to work. Without the check, concurrent appends are lost.
 */
public final class AppendRace {
  private final HttpClient http = HttpClient.newHttpClient();
  private final String fileUrl;
  private final String token;
  private final AtomicInteger conflicts = new AtomicInteger();

  public AppendRace(TestServer berth, String session, String token, String path) {
    this.fileUrl = berth.url() + "/api/v1/sessions/" + session + "/files/" + path;
    this.token = token;
  }

  /** Refused writes that were retried. */
  public int conflicts() {
    return conflicts.get();
  }

  /** Runs {@code clients} clients of {@code appendsEach} appends each, all at once, to the end. */
  public void run(int clients, int appendsEach) throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      List<Future<?>> all = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        all.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < appendsEach; i++) {
                    append("client-" + client + "-append-" + i + "\n");
                  }
                  return null;
                }));
      }
      for (Future<?> f : all) {
        f.get();
      }
    }
  }

  private void append(String line) throws Exception {
    for (int attempt = 0; attempt < 1000; attempt++) {
      HttpResponse<byte[]> got =
          http.send(request().GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      HttpRequest.Builder put = request();
      String before;
      if (got.statusCode() == 404) {
        before = "";
        put.header("If-None-Match", "*");
      } else if (got.statusCode() == 200) {
        before = new String(got.body(), StandardCharsets.UTF_8);
        put.header("If-Match", got.headers().firstValue("ETag").orElseThrow());
      } else {
        throw new AssertionError("GET answered " + got.statusCode());
      }
      byte[] after = (before + line).getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> wrote =
          http.send(
              put.PUT(HttpRequest.BodyPublishers.ofByteArray(after)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (wrote.statusCode() == 201) {
        return;
      }
      if (wrote.statusCode() != 412) {
        throw new AssertionError("PUT answered " + wrote.statusCode() + ": " + wrote.body());
      }
      conflicts.incrementAndGet();
      // A client's backoff, jittered and growing, so ten clients do not collide again in
      // lockstep and a refused write does not hold the file's lock for the next writer.
      long bound = 10L << Math.min(attempt, 5);
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1 + bound));
    }
    throw new AssertionError("1000 attempts of one append all conflicted");
  }

  private HttpRequest.Builder request() {
    return HttpRequest.newBuilder(URI.create(fileUrl)).header("Authorization", "Bearer " + token);
  }
}
