package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local backend cannot enforce an egress policy (its apps are host processes on the host's
 * network): a create of such a template is refused with 422 before anything is made, never run with
 * the policy silently ignored; {@code egress: all} is fine.
 */
class EgressOnLocalTest {
  @TempDir Path home;

  @Test
  void noneAndAllowListsAreRefusedOnLocalBeforeAnythingIsMade() throws Exception {
    write("closed", "network: {egress: none}\n");
    write("pypi", "network: {egress: {allow: [pypi.org:443]}}\n");
    write("open", "network: {egress: all}\n");
    try (var berth = new TestServer(home)) {
      for (String template : new String[] {"closed", "pypi"}) {
        var r =
            berth.admin(
                "POST",
                "/api/v1/sessions",
                "{\"id\":\"s-" + template + "\",\"template\":\"" + template + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.toString())
            .contains("network egress")
            .contains("which the local backend cannot enforce")
            .contains("nothing was made");
        assertThat(berth.admin("GET", "/api/v1/sessions/s-" + template, null).status())
            .isEqualTo(404);
      }
      assertThat(berth.admin("POST", "/api/v1/sessions", "{\"template\":\"open\"}").status())
          .isEqualTo(201);
    }
  }

  private void write(String name, String yaml) throws Exception {
    Path dir = Files.createDirectories(home.resolve("templates").resolve(name));
    Files.writeString(dir.resolve("template.yaml"), yaml);
  }
}
