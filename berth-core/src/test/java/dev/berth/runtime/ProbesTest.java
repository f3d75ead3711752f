package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.template.HealthProbe;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbesTest {
  @Test
  void aProbePortWithNoAddressSaysWhatToFixWithoutAJavaName() {
    var probe = new HealthProbe.Tcp(9000, Duration.ofSeconds(5));
    var problem =
        new Probes()
            .attempt(
                null,
                null,
                probe,
                Map.of(8000, URI.create("http://127.0.0.1:1")),
                Duration.ofSeconds(1));
    assertThat(problem)
        .hasValue(
            "no address to probe port 9000 at: add it to the template's 'ports', or probe one of"
                + " [8000]");
  }
}
