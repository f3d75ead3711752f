package dev.berth.runtime;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends one running exec early, from another thread: a stop, delete or cull of the session must not
 * wait out a {@code sleep 30}. The runtime waits for the command's end <em>or</em> this, whichever
 * comes first ({@link #await}); when this came first it kills the command and everything it
 * started, exactly as on a timeout, and returns what was captured (the service then answers the
 * caller with the {@link #reason}). Cancelling is idempotent; the first reason wins.
 */
public final class ExecCancellation {
  private final CompletableFuture<String> cancelled = new CompletableFuture<>();

  /** A cancellation nobody holds: the exec ends only by itself or on its timeout. */
  public static ExecCancellation none() {
    return new ExecCancellation();
  }

  /** One to hold (see {@code RunningExecs}) and {@link #cancel} when the exec must end. */
  public ExecCancellation() {}

  /** Ends the exec; {@code why} says what ended it ("session 'a' is being deleted"). */
  public void cancel(String why) {
    cancelled.complete(why);
  }

  public boolean isCancelled() {
    return cancelled.isDone();
  }

  /** Why the exec was ended, once it was. */
  public Optional<String> reason() {
    return Optional.ofNullable(cancelled.getNow(null));
  }

  /**
   * Waits until {@code end} completes (the command ended), the exec is cancelled, or {@code
   * timeout} passes. True only when the command ended by itself: false means the caller must kill
   * it (timed out, or cancelled: {@link #isCancelled} tells which).
   */
  public boolean await(CompletableFuture<?> end, Duration timeout) throws InterruptedException {
    try {
      CompletableFuture.anyOf(end, cancelled).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      // the end failed (a broken stream): the command's end is what the caller finds out next
    }
    return end.isDone() && !isCancelled();
  }
}
