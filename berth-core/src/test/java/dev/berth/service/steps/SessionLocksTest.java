package dev.berth.service.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.base.SessionId;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionLocksTest {
  private final SessionLocks locks = new SessionLocks();
  private final SessionId id = SessionId.of("s1");
  // Own threads: the common pool may have a single worker, which the blocked file call would hold.
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void theReconcilersTryDoesNotBargePastAUserWaitingForTheSession() throws Exception {
    var fileCallRunning = new CountDownLatch(1);
    var finishFileCall = new CountDownLatch(1);
    // A file call holds the session (shared); a user's delete queues for it (exclusive).
    var fileCall =
        CompletableFuture.runAsync(
            () ->
                locks.shared(
                    id,
                    () -> {
                      fileCallRunning.countDown();
                      waitFor(finishFileCall);
                      return null;
                    }),
            threads);
    assertThat(fileCallRunning.await(10, TimeUnit.SECONDS)).isTrue();
    var delete = CompletableFuture.supplyAsync(() -> locks.exclusive(id, () -> "deleted"), threads);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> locks.queuedOn(id) > 0); // the delete is waiting

    // The health checker's shared try would be granted at once by a barging tryLock(), and could
    // keep the delete waiting as long as probes keep coming.
    Optional<String> probe = locks.tryShared(id, Duration.ZERO, () -> "probed");
    assertThat(probe).as("yields to the queued delete").isEmpty();

    finishFileCall.countDown();
    fileCall.get(10, TimeUnit.SECONDS);
    assertThat(delete.get(10, TimeUnit.SECONDS)).isEqualTo("deleted");
    assertThat(locks.tryExclusive(id, () -> "reconciled")).contains("reconciled");
  }

  @Test
  void aSharedTryWaitsItsBoundForABriefExclusiveHolderAndNoLonger() throws Exception {
    var held = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    var reconcile =
        CompletableFuture.runAsync(
            () ->
                locks.tryExclusive(
                    id,
                    () -> {
                      held.countDown();
                      waitFor(release);
                      return "passed";
                    }),
            threads);
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(locks.tryShared(id, Duration.ofMillis(100), () -> "probed"))
        .as("still held after the bound")
        .isEmpty();

    var probe =
        CompletableFuture.supplyAsync(
            () -> locks.tryShared(id, Duration.ofSeconds(10), () -> "probed"), threads);
    await().atMost(Duration.ofSeconds(10)).until(() -> locks.queuedOn(id) > 0);
    release.countDown(); // the pass ends while the probe waits
    reconcile.get(10, TimeUnit.SECONDS);
    assertThat(probe.get(10, TimeUnit.SECONDS)).contains("probed");
  }

  private static void waitFor(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
