package dev.berth.service;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.WorkspaceAccess;
import dev.berth.runtime.WorkspacePath;
import dev.berth.tools.WorkspaceSearch;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One search: a writer thread streams the workspace's tar into a pipe, a scanner thread reads it,
 * and the caller waits at most the search's timeout. The scanner checks that bound itself between
 * lines; the caller's bounded wait is what holds even when the download stalls (a slow engine).
 */
final class SearchRun {
  // A little past the scanner's own bound, so the scanner's error (which names the limit) wins.
  private static final Duration GRACE = Duration.ofMillis(500);

  private SearchRun() {}

  static WorkspaceSearch.Result run(
      WorkspaceAccess ws, WorkspacePath p, String base, WorkspaceSearch search) {
    PipedInputStream in = new PipedInputStream(1 << 16);
    PipedOutputStream out;
    try {
      out = new PipedOutputStream(in);
    } catch (IOException e) {
      throw new BerthException(ErrorCode.INTERNAL, "search failed: " + e.getMessage(), e);
    }
    var failure = new AtomicReference<RuntimeException>();
    Thread writer =
        Thread.ofVirtual()
            .name("search-archive")
            .start(
                () -> {
                  try (out) {
                    ws.getArchive(p, out);
                  } catch (RuntimeException e) {
                    failure.set(e);
                  } catch (IOException e) {
                    failure.set(new UncheckedIOException(e));
                  }
                });
    var scan = new CompletableFuture<WorkspaceSearch.Result>();
    Thread scanner =
        Thread.ofVirtual()
            .name("search-scan")
            .start(
                () -> {
                  try {
                    scan.complete(search.scan(in, base));
                  } catch (RuntimeException e) {
                    scan.completeExceptionally(e);
                  }
                });
    try {
      WorkspaceSearch.Result result =
          scan.get(search.timeout().plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
      closeQuietly(in); // an early stop: let the writer fail fast instead of blocking
      joinQuietly(writer);
      if (!result.truncated() && failure.get() != null) {
        throw failure.get();
      }
      return result;
    } catch (TimeoutException e) {
      throw search.timedOut();
    } catch (ExecutionException e) {
      // A scan stopped at a bound says so; one that failed on a broken stream says less than the
      // download's own error.
      boolean atBound =
          e.getCause() instanceof BerthException be
              && (be.code() == ErrorCode.TIMEOUT || be.code() == ErrorCode.TOO_LARGE);
      if (!atBound) {
        joinQuietly(writer);
        if (failure.get() != null) {
          throw failure.get();
        }
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new BerthException(ErrorCode.INTERNAL, "search failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BerthException(ErrorCode.INTERNAL, "search interrupted");
    } finally {
      // Whatever happened, nothing of this search outlives the answer for long: the scanner is
      // woken from a blocked read, and the writer's next write fails on the closed pipe.
      scanner.interrupt();
      closeQuietly(in);
    }
  }

  private static void joinQuietly(Thread writer) {
    try {
      writer.join(GRACE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(PipedInputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // closing a pipe does not fail in a way that matters here
    }
  }
}
