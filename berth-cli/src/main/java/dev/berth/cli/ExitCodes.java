package dev.berth.cli;

/**
 * The exit codes of {@code berth}. Commands that run something in a session ({@code session exec},
 * {@code session attach}, {@code shell}) exit with that command's own code, so Berth's own failures
 * there take codes a command rarely uses, as {@code docker exec} and {@code timeout} do: a script
 * can tell "the command said 1" from "Berth could not run it".
 */
final class ExitCodes {
  /** Any other command: it failed (the line on standard error says why). */
  static final int FAILED = 1;

  /** Any other command: the command line is wrong (picocli's usage error). */
  static final int USAGE = 2;

  /** exec, attach, shell: the command ran past its timeout and was killed. */
  static final int TIMED_OUT = 124;

  /**
   * exec, attach, shell: Berth failed, not the command (unknown session, server down, refused, a
   * wrong command line).
   */
  static final int BERTH_FAILED = 125;

  private ExitCodes() {}

  /** A command whose exit code is the code of what it runs in the session. */
  interface PassesExitCode {}
}
