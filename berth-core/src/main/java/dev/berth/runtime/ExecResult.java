package dev.berth.runtime;

import java.time.Duration;

/**
 * The outcome of an exec.
 *
 * @param exitCode the command's exit code; -1 when it was killed on timeout
 * @param stdout the first {@code maxOutputBytes} of standard output
 * @param stderr the first {@code maxOutputBytes} of standard error
 * @param stdoutBytes how many bytes the command wrote to stdout in all
 * @param stderrBytes how many bytes the command wrote to stderr in all
 * @param timedOut true when the command was killed for running past its timeout
 * @param elapsed wall time
 */
public record ExecResult(
    int exitCode,
    byte[] stdout,
    byte[] stderr,
    long stdoutBytes,
    long stderrBytes,
    boolean timedOut,
    Duration elapsed) {

  public boolean stdoutTruncated() {
    return stdoutBytes > stdout.length;
  }

  public boolean stderrTruncated() {
    return stderrBytes > stderr.length;
  }
}
