package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image routes on a Berth without an image-building backend (the local one only). */
class ImageRoutesTest {
  @TempDir Path home;

  @Test
  void withoutABackendThatRunsImagesEveryRouteSaysSoWith501() {
    try (var berth = new TestServer(home)) {
      assertThat(berth.server.images()).isEmpty();
      for (String[] call :
          new String[][] {
            {"GET", "/api/v1/images"},
            {"POST", "/api/v1/images/builds"},
            {"GET", "/api/v1/images/builds"},
            {"GET", "/api/v1/images/builds/build-1"},
            {"POST", "/api/v1/update"}
          }) {
        Response r = berth.admin(call[0], call[1], null);
        assertThat(r.status()).as(call[1] + " " + r).isEqualTo(501);
        assertThat(r.errorCode()).isEqualTo("unsupported");
        assertThat(r.json().at("/error/message").asString())
            .contains("image builds need a backend that runs images (Docker)");
      }
    }
  }

  @Test
  void imageRoutesAreForTheAdminOnly() {
    try (var berth = new TestServer(home)) {
      String token =
          berth
              .admin("POST", "/api/v1/sessions", "{\"id\": \"s1\"}")
              .json()
              .get("token")
              .asString();
      Response r = berth.call("POST", "/api/v1/images/builds", token, "{}");
      assertThat(r.status()).as(r.toString()).isEqualTo(403);
      assertThat(berth.call("GET", "/api/v1/images", token, null).status()).isEqualTo(403);
    }
  }
}
