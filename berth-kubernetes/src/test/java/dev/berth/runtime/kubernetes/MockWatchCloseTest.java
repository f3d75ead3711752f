package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The test cluster itself ({@link MockCluster}): a watch closed while the mock is still sending it
 * events does not stop the mock's other answers ({@link OffLoopWatchClose}). Without it, the mock's
 * event loop waited up to a minute at such a close, and every exec on it with it.
 */
class MockWatchCloseTest {
  @Test
  void closingWatchesWhileTheirEventsAreSentLeavesTheMockAnswering() {
    try (var cluster = new MockCluster()) {
      var maps = cluster.client.configMaps().inNamespace("w");
      maps.resource(new ConfigMapBuilder().withNewMetadata().withName("m").endMetadata().build())
          .create();
      long slowest = 0;
      for (int round = 0; round < 20; round++) {
        var watch =
            maps.watch(
                new Watcher<io.fabric8.kubernetes.api.model.ConfigMap>() {
                  @Override
                  public void eventReceived(
                      Action action, io.fabric8.kubernetes.api.model.ConfigMap resource) {}

                  @Override
                  public void onClose(WatcherException cause) {}
                });
        for (int i = 0; i < 20; i++) {
          int n = round * 100 + i;
          maps.withName("m")
              .edit(
                  c -> {
                    c.setData(Map.of("n", Integer.toString(n)));
                    return c;
                  });
        }
        watch.close();
        long t0 = System.nanoTime();
        assertThat(maps.withName("m").get()).isNotNull();
        slowest = Math.max(slowest, System.nanoTime() - t0);
      }
      assertThat(Duration.ofNanos(slowest))
          .as("the slowest read right after a watch closed")
          .isLessThan(Duration.ofSeconds(10));
    }
  }
}
