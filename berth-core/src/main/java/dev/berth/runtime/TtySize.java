package dev.berth.runtime;

import dev.berth.base.BerthException;

/**
 * The size of a process's terminal, in character cells, as a terminal emulator reports it ({@code
 * stty size} prints {@code rows columns}).
 */
public record TtySize(int columns, int rows) {
  /** Far past any screen; a bound so a typo cannot ask a backend for a gigantic buffer. */
  public static final int MAX = 10_000;

  public TtySize {
    if (columns < 1 || columns > MAX || rows < 1 || rows > MAX) {
      throw BerthException.badRequest(
          "a terminal size needs columns and rows from 1 to "
              + MAX
              + ", not "
              + columns
              + "x"
              + rows);
    }
  }

  /** What a terminal starts at when the client does not say: the VT100's 80 by 24. */
  public static TtySize standard() {
    return new TtySize(80, 24);
  }
}
