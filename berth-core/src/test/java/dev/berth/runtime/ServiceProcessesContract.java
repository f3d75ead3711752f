package dev.berth.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.auth.Tokens;
import dev.berth.base.SessionId;
import dev.berth.registry.Registry;
import dev.berth.registry.SessionFilter;
import dev.berth.service.SessionService;
import dev.berth.service.WorkspaceLimits;
import dev.berth.service.processes.LiveProcess;
import dev.berth.service.processes.OutputLog;
import dev.berth.service.processes.SessionProcesses;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.ExecCommand;
import dev.berth.session.ProcessCommand;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import dev.berth.template.TemplateCatalog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's processes ({@link SessionService#processes}: ids, the output log, reattach, the end
 * at a stop or delete) over a real backend, run by each backend's subclass on top of {@link
 * RuntimeProcessesContract}'s cases: a client that went away attaches again by id and reads what it
 * missed; a process that writes 100 MiB leaves Berth holding only its last {@link
 * SessionProcesses#OUTPUT_BYTES}, and an attached reader still gets every byte; a stop or a delete
 * ends a process tree, tells why, and leaves none of it running.
 */
public abstract class ServiceProcessesContract extends RuntimeProcessesContract {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * Ample for 100 MiB through any backend: 2 to 7 s each here (local, Docker under runc and gVisor,
   * the Kubernetes stand-in), on a loaded machine of 2 cores.
   */
  private static final Duration BULK = Duration.ofMinutes(2);

  private static final long HUNDRED_MIB = 100L << 20;
  private static final String TEMPLATE = "procs";

  @TempDir Path serviceHome;
  private Registry registry;
  private SessionService service;

  /**
   * The service over {@link #runtime()}, made at first use: a subclass may make its runtime in a
   * {@code @BeforeEach} of its own, which runs after this class's.
   */
  private SessionService service() {
    if (service == null) {
      registry = Registry.openSqlite(serviceHome.resolve("berth.db"));
      service =
          new SessionService(
              registry,
              Backends.of(runtime()),
              new TemplateCatalog(Map.of(TEMPLATE, template(TEMPLATE))),
              new Tokens(registry.tokens(), Clock.systemUTC()),
              Clock.systemUTC(),
              Duration.ofSeconds(5),
              WorkspaceLimits.DEFAULTS);
    }
    return service;
  }

  @AfterEach
  void deleteServiceSessions() {
    if (service == null) {
      return;
    }
    for (Session s : registry.sessions().list(SessionFilter.ALL_LIVE)) {
      try {
        service.delete(s.id());
      } catch (RuntimeException ignored) {
        // best effort: the test's own assertions already ran
      }
    }
    registry.close();
  }

  private SessionId runningSession() {
    Session s = service().create(CreateSessionRequest.ofTemplate(TEMPLATE)).session();
    assertThat(s.status()).as(s.statusReason()).isEqualTo(SessionStatus.RUNNING);
    return s.id();
  }

  private LiveProcess start(SessionId id, List<String> argv, boolean openStdin, boolean bg) {
    return service()
        .processes()
        .start(
            id,
            new ProcessCommand(
                argv,
                Optional.empty(),
                Map.of(),
                Optional.empty(),
                new byte[0],
                openStdin,
                bg,
                null));
  }

  private static void write(LiveProcess p, String text) {
    byte[] b = text.getBytes(UTF_8);
    p.write(b, 0, b.length);
  }

  private static int exitOf(LiveProcess p, Duration within) {
    return p.exit().orTimeout(within.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** What a reader of the output got: the text, the bytes it was told it skipped, where it is. */
  private record Got(String text, long skipped, long next) {}

  /** Reads with {@code cursor} until the text read so far is {@code expected}. */
  private static Got readUntil(OutputLog.Cursor cursor, String expected) throws Exception {
    var text = new StringBuilder();
    long skipped = 0;
    long next = -1;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!text.toString().equals(expected) && System.nanoTime() < deadline) {
      OutputLog.Read r = cursor.next(64 * 1024, Duration.ofSeconds(1));
      r.chunks().forEach(c -> text.append(new String(c.data(), UTF_8)));
      skipped += r.skipped();
      next = r.next();
      if (r.ended()) {
        break;
      }
    }
    assertThat(text.toString()).isEqualTo(expected);
    return new Got(text.toString(), skipped, next);
  }

  /** How many processes the running session {@code id} sees run {@code marker}. */
  private int countRunning(SessionId id, String marker) {
    ExecResult r =
        service()
            .workspace()
            .exec(
                id,
                new ExecCommand(
                    countCommand(marker),
                    Optional.empty(),
                    Map.of(),
                    new byte[0],
                    Optional.of(WAIT)));
    return Integer.parseInt(new String(r.stdout(), UTF_8).trim());
  }

  @Test
  void aClientThatWentAwayAttachesAgainByIdAndReadsWhatItMissed() throws Exception {
    SessionId id = runningSession();
    LiveProcess p =
        start(
            id,
            sh(
                "read a; echo \"one $a\"; read b; echo \"two $b\"; read c; echo \"three $c\"; exit 4"),
            true,
            false);

    // The first client attaches (a foreground process waits for it), reads, and goes away.
    Got first;
    try (OutputLog.Cursor cursor = p.output().attach(0)) {
      write(p, "a\n");
      first = readUntil(cursor, "one a\n");
    }

    // Nobody is attached: the process runs on, takes input, and what it prints is kept.
    LiveProcess found = service().processes().get(id, p.id());
    write(found, "b\n");
    await().atMost(WAIT).until(() -> found.output().offset() == first.next() + "two b\n".length());
    assertThat(service().processes().list(id))
        .filteredOn(LiveProcess::running)
        .extracting(LiveProcess::id)
        .containsExactly(p.id());

    // A second client finds it by its id and reads on from where the first stopped, missing
    // nothing.
    LiveProcess again = service().processes().get(id, p.id());
    try (OutputLog.Cursor cursor = again.output().attach(first.next())) {
      Got missed = readUntil(cursor, "two b\n");
      assertThat(missed.skipped()).isZero();
      write(again, "c\n");
      readUntil(cursor, "three c\n");
    }
    assertThat(exitOf(again, WAIT)).isEqualTo(4);
    assertThat(again.endedBy()).as("it ended by itself").isEmpty();
    assertThat(again.output().read(0, 1024, Duration.ZERO).chunks())
        .extracting(c -> new String(c.data(), UTF_8))
        .containsExactly("one a\n", "two b\n", "three c\n");
  }

  /**
   * A background process is never held back: it writes its 100 MiB at its own pace, and Berth keeps
   * only the last {@link SessionProcesses#OUTPUT_BYTES} of it; a reader from offset 0 is told how
   * much it no longer has.
   */
  @Test
  void aBackgroundProcessThatWrites100MiBLeavesOnlyItsLastMebibyteHeld() throws Exception {
    SessionId id = runningSession();
    LiveProcess p =
        start(id, List.of("head", "-c", String.valueOf(HUNDRED_MIB), "/dev/zero"), false, true);

    assertThat(exitOf(p, BULK)).isZero();
    // the log hears of the end just after the exit completes
    await().atMost(WAIT).until(() -> p.output().read(Long.MAX_VALUE, 1, Duration.ZERO).ended());

    OutputLog.Read all = p.output().read(0, Integer.MAX_VALUE, Duration.ZERO);
    long held = all.chunks().stream().mapToLong(c -> c.data().length).sum();
    assertThat(p.output().offset()).as("bytes made").isEqualTo(HUNDRED_MIB);
    assertThat(held).as("bytes held").isEqualTo(SessionProcesses.OUTPUT_BYTES);
    assertThat(all.skipped()).isEqualTo(HUNDRED_MIB - SessionProcesses.OUTPUT_BYTES);
    assertThat(all.next()).isEqualTo(HUNDRED_MIB);
    assertThat(all.ended()).isTrue();
    assertThat(all.chunks())
        .allSatisfy(
            c -> {
              assertThat(c.stream()).isEqualTo(ProcessStream.STDOUT);
              assertThat(c.data()).containsOnly((byte) 0);
            });
  }

  /**
   * A foreground process waits for the reader attached to it: all 100 MiB reach the reader, none
   * skipped, while Berth holds at most {@link SessionProcesses#OUTPUT_BYTES} at any time.
   */
  @Test
  void anAttachedReaderGetsEveryByteOf100MiBThroughTheBoundedLog() throws Exception {
    SessionId id = runningSession();
    // It waits for "go", so the reader is attached before the first byte.
    LiveProcess p = start(id, sh("read go; head -c " + HUNDRED_MIB + " /dev/zero"), true, false);
    long received = 0;
    long skipped = 0;
    try (OutputLog.Cursor cursor = p.output().attach(0)) {
      write(p, "go\n");
      long deadline = System.nanoTime() + BULK.toNanos();
      while (System.nanoTime() < deadline) {
        OutputLog.Read r = cursor.next(SessionProcesses.OUTPUT_BYTES, Duration.ofSeconds(1));
        for (OutputLog.Chunk c : r.chunks()) {
          received += c.data().length;
        }
        skipped += r.skipped();
        assertThat(p.output().read(0, Integer.MAX_VALUE, Duration.ZERO).chunks())
            .as("held")
            .extracting(c -> c.data().length)
            .satisfies(
                lengths ->
                    assertThat(lengths.stream().mapToLong(Integer::longValue).sum())
                        .isLessThanOrEqualTo(SessionProcesses.OUTPUT_BYTES));
        if (r.ended()) {
          break;
        }
      }
    }
    assertThat(received).isEqualTo(HUNDRED_MIB);
    assertThat(skipped).isZero();
    assertThat(exitOf(p, WAIT)).isZero();
  }

  /**
   * A stop and a delete end the session's processes with everything they started, and each one's
   * clients learn why. What still runs is counted from a running session afterwards: on the local
   * backend that sees the host's processes, so a survivor would show; in a container backend the
   * stopped or removed container took its processes with it.
   */
  @Test
  void aStopAndADeleteEndTheSessionsProcessesSayWhyAndLeaveNothingRunning() {
    SessionId id = runningSession();
    String stopped = marker(8);
    LiveProcess before = startTree(id, stopped);

    service().stop(id);

    assertThat(before.exit()).isCompletedWithValue(-1);
    assertThat(before.endedBy()).hasValue("session '" + id + "' is being stopped");
    service().start(id);
    assertThat(countRunning(id, stopped)).isZero();

    String deleted = marker(9);
    LiveProcess after = startTree(id, deleted);

    assertThat(service().delete(id).complete()).isTrue();

    assertThat(after.exit()).isCompletedWithValue(-1);
    assertThat(after.endedBy()).hasValue("session '" + id + "' is being deleted");
    assertThat(countRunning(runningSession(), deleted)).isZero();
  }

  /** Starts a background shell running two {@code marker}s, once both run. */
  private LiveProcess startTree(SessionId id, String marker) {
    LiveProcess p = start(id, sh(marker + " & " + marker + " & echo ready; wait"), false, true);
    await()
        .atMost(WAIT)
        .until(
            () ->
                p.output().read(0, 1024, Duration.ZERO).chunks().stream()
                    .anyMatch(c -> new String(c.data(), UTF_8).contains("ready")));
    await().atMost(WAIT).until(() -> countRunning(id, marker) == 2);
    return p;
  }
}
