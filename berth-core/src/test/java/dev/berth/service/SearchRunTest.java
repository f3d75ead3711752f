package dev.berth.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.WorkspaceAccess;
import dev.berth.runtime.WorkspacePath;
import dev.berth.tools.WorkspaceSearch;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class SearchRunTest {
  @Test
  void aDownloadThatStallsEndsAtTheSearchTimeoutWithAnErrorThatSaysSo() {
    var never = new CountDownLatch(1);
    WorkspaceAccess stalling =
        (WorkspaceAccess)
            Proxy.newProxyInstance(
                WorkspaceAccess.class.getClassLoader(),
                new Class<?>[] {WorkspaceAccess.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getArchive")) {
                    never.await(); // an engine that never answers
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    var search = new WorkspaceSearch("x", Optional.empty(), 10, Duration.ofMillis(200), 1 << 20);
    long start = System.nanoTime();
    assertThatThrownBy(() -> SearchRun.run(stalling, WorkspacePath.ROOT, "", search))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("search stopped after 200 ms")
        .extracting(e -> ((BerthException) e).code())
        .isEqualTo(ErrorCode.TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }
}
