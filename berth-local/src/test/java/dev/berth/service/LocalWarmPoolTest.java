package dev.berth.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.registry.SessionFilter;
import dev.berth.service.pools.PoolStatus;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.CreatedSession;
import dev.berth.session.Session;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionStatus;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm pools on the local backend: members are prepared directories with their app started and
 * answering; a create takes one, RUNNING at once, with the app serving its files where the session
 * says; the pool refills; a delete removes the member's directory.
 */
class LocalWarmPoolTest {
  @TempDir Path home;

  @Test
  void aCreateTakesAPreparedDirectoryWithItsAppAnsweringAndThePoolRefills() throws Exception {
    Path dir = Files.createDirectories(home.resolve("templates/web"));
    Files.writeString(
        dir.resolve("template.yaml"),
        """
        shell: exec python3 -m http.server --bind 127.0.0.1 "$PORT"
        ports: [8000]
        probe: {http: /, port: 8000, startTimeout: 30s}
        pool: {size: 2}
        """);
    try (var t = new TestServices(home)) {
      t.service.pools().refillAndWait(Duration.ofSeconds(60));
      PoolStatus full = t.service.pools().status().get(0);
      assertThat(full.ready()).as(full.toString()).isEqualTo(2);
      assertThat(t.service.list(SessionFilter.ALL_LIVE)).isEmpty();

      CreatedSession created =
          t.service.create(
              new CreateSessionRequest(
                  Optional.empty(), Optional.of("web"), Optional.empty(), Map.of(), true));
      Session s = created.session();
      assertThat(created.pooled()).isTrue();
      assertThat(s.status()).isEqualTo(SessionStatus.RUNNING);
      assertThat(s.handle()).startsWith("p-");
      assertThat(created.noToken())
          .as("a token as the backend allows, pooled or not")
          .isEqualTo(t.runtime.sessionTokenRefusal());

      t.service
          .workspace()
          .writeFile(s.id(), "hello.txt", new ByteArrayInputStream("hi".getBytes(UTF_8)));
      var response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(s.endpoints().get(8000) + "hello.txt")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).as("the member's app serves the session's files").isEqualTo("hi");
      Path memberDir = home.resolve("sessions").resolve(s.handle());
      assertThat(memberDir.resolve("workspace/hello.txt")).exists();

      t.service.pools().refillAndWait(Duration.ofSeconds(60));
      assertThat(t.service.pools().status().get(0).ready()).isEqualTo(2);

      SessionCleanupReceipt receipt = t.service.delete(s.id());
      assertThat(receipt.complete()).isTrue();
      assertThat(memberDir).doesNotExist();
    }
  }
}
