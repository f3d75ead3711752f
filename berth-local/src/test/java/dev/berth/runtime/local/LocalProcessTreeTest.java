package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.TestTemplates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping a local session ends its whole process tree, including children that left it. */
class LocalProcessTreeTest {
  @TempDir Path tmp;

  @Test
  void stopEndsChildrenAndDaemonizedGrandchildren() {
    var runtime = new LocalRuntime(tmp, "tree-test");
    // A child in the background, and a grandchild whose parent exits at once (re-parented to
    // init): only the process group still ties it to the session.
    var template =
        TestTemplates.with(
            "tree",
            Optional.empty(),
            List.of("sh", "-c", "sleep 600 & (sleep 601 &) ; echo $$ > pid; wait"),
            List.of(),
            Optional.empty(),
            Optional.empty());
    RuntimeSession s = RuntimeSession.fresh(SessionId.of("tree"), template, Map.of());
    s = s.withState(runtime.prepare(s));
    s = s.withState(runtime.start(s).state());
    long leader = Long.parseLong(s.state().get("pid"));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sleepers(leader).size() == 2);
    List<ProcessHandle> before = sleepers(leader);

    RuntimeSession stopped = s.withState(runtime.stop(s, Duration.ofSeconds(5)));

    assertThat(runtime.inspect(stopped)).isInstanceOf(ObservedState.Prepared.class);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(before).noneMatch(ProcessHandle::isAlive));
    runtime.destroy(stopped);
  }

  /** The session's sleep processes, found by command line and by belonging to its group. */
  private static List<ProcessHandle> sleepers(long leader) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().orElse("").endsWith("/sleep"))
        .filter(p -> p.info().commandLine().orElse("").matches(".*sleep 60[01]"))
        .filter(p -> processGroup(p.pid()) == leader)
        .toList();
  }

  private static long processGroup(long pid) {
    try {
      String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[2]); // state, ppid, pgrp
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }
}
