package dev.berth.service.processes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.ProcessStream;
import dev.berth.service.processes.OutputLog.Backpressure;
import dev.berth.service.processes.OutputLog.Read;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class OutputLogTest {
  private static final Duration NOW = Duration.ZERO;

  private static void put(OutputLog log, ProcessStream s, String text) throws Exception {
    byte[] b = text.getBytes(UTF_8);
    log.output(s, b, 0, b.length);
  }

  private static String text(Read r) {
    var sb = new StringBuilder();
    r.chunks().forEach(c -> sb.append(new String(c.data(), UTF_8)));
    return sb.toString();
  }

  @Test
  void keepsBothStreamsInTheOrderTheyWereMadeAtCountingOffsets() throws Exception {
    var log = new OutputLog(100, Backpressure.DROP_OLDEST);
    put(log, ProcessStream.STDOUT, "one ");
    put(log, ProcessStream.STDERR, "two ");
    put(log, ProcessStream.STDOUT, "three");

    Read all = log.read(0, 1000, NOW);
    assertThat(text(all)).isEqualTo("one two three");
    assertThat(all.chunks())
        .extracting(OutputLog.Chunk::stream)
        .containsExactly(ProcessStream.STDOUT, ProcessStream.STDERR, ProcessStream.STDOUT);
    assertThat(all.chunks()).extracting(OutputLog.Chunk::offset).containsExactly(0L, 4L, 8L);
    assertThat(all.next()).isEqualTo(13);
    assertThat(all.skipped()).isZero();

    Read rest = log.read(6, 4, NOW); // from the middle of a chunk, limited in size
    assertThat(text(rest)).isEqualTo("o th");
    assertThat(rest.next()).isEqualTo(10);
  }

  @Test
  void aBackgroundProcessKeepsOnlyItsLatestOutputAndALateReaderLearnsWhatItSkipped()
      throws Exception {
    var log = new OutputLog(10, Backpressure.DROP_OLDEST);
    put(log, ProcessStream.STDOUT, "0123456789abcdefghijKLMNOPQRST"); // three times the capacity

    Read r = log.read(0, 1000, NOW);
    assertThat(text(r)).isEqualTo("KLMNOPQRST");
    assertThat(r.skipped()).isEqualTo(20);
    assertThat(r.next()).isEqualTo(30);
    assertThat(log.offset()).isEqualTo(30);
  }

  @Test
  void aReadWaitsForOutputAndSeesTheEndOnlyAfterTheLastByte() throws Exception {
    var log = new OutputLog(100, Backpressure.DROP_OLDEST);
    var pool = Executors.newVirtualThreadPerTaskExecutor();
    CompletableFuture<Read> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return log.read(0, 100, Duration.ofSeconds(30));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            },
            pool);
    put(log, ProcessStream.STDOUT, "late");
    assertThat(text(waiting.get())).isEqualTo("late");
    assertThat(waiting.get().ended()).isFalse();

    log.finish();
    Read end = log.read(4, 100, Duration.ofSeconds(30)); // returns at once: nothing more will come
    assertThat(end.chunks()).isEmpty();
    assertThat(end.ended()).isTrue();
    assertThat(log.read(0, 2, NOW).ended()).as("two bytes of four read: not the end yet").isFalse();
  }

  @Test
  void aForegroundProcessWaitsForItsAttachedReaderAndLosesNothing() throws Exception {
    var log = new OutputLog(8, Backpressure.BLOCK);
    var reader = log.attach(0);
    var pool = Executors.newVirtualThreadPerTaskExecutor();
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                for (int i = 0; i < 10; i++) {
                  put(log, ProcessStream.STDOUT, "abcd");
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            pool);
    // 8 bytes fit; the third write waits for the reader.
    await().atMost(Duration.ofSeconds(10)).until(() -> log.offset() == 8);
    assertThat(writer).isNotDone();

    var got = new StringBuilder();
    long skipped = 0;
    while (got.length() < 40) {
      Read r = reader.next(3, Duration.ofSeconds(10));
      skipped += r.skipped();
      got.append(text(r));
    }
    writer.get();
    assertThat(got.toString()).isEqualTo("abcd".repeat(10));
    assertThat(skipped).isZero();
    reader.close();
  }

  @Test
  void withNoReaderAttachedOrOnceReleasedAForegroundProcessIsNeverHeld() throws Exception {
    var unattended = new OutputLog(4, Backpressure.BLOCK);
    put(unattended, ProcessStream.STDOUT, "0123456789"); // returns: nobody to wait for
    assertThat(text(unattended.read(0, 100, NOW))).isEqualTo("6789");

    var log = new OutputLog(4, Backpressure.BLOCK);
    var quiet = log.attach(0); // a reader that never reads
    var pool = Executors.newVirtualThreadPerTaskExecutor();
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                put(log, ProcessStream.STDOUT, "0123456789");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            pool);
    await().atMost(Duration.ofSeconds(10)).until(() -> log.offset() == 4);
    assertThat(writer).isNotDone();
    log.release(); // what a kill does first
    writer.get();
    assertThat(log.offset()).isEqualTo(10);
    quiet.close();
  }

  @Test
  void closingTheOnlyReaderLetsABlockedProcessGoOn() throws Exception {
    var log = new OutputLog(4, Backpressure.BLOCK);
    var reader = log.attach(0);
    var pool = Executors.newVirtualThreadPerTaskExecutor();
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                put(log, ProcessStream.STDOUT, "01234567");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            pool);
    await().atMost(Duration.ofSeconds(10)).until(() -> log.offset() == 4);
    assertThat(writer).isNotDone();
    reader.close(); // the client went away
    writer.get();
    assertThat(log.offset()).isEqualTo(8);
  }
}
