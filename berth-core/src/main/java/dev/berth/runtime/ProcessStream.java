package dev.berth.runtime;

/** Which of a process's outputs bytes came from; a process in a terminal writes only to stdout. */
public enum ProcessStream {
  STDOUT,
  STDERR
}
