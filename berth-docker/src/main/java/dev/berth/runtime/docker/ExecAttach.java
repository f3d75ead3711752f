package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.InspectExecResponse;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * An exec (made with {@code execCreateCmd}, attaching stdin, stdout and stderr) started attached:
 * its stdin as a stream whose {@code close()} gives the process end-of-file, its stdout and stderr
 * as streams (a TTY exec has one stream: everything is on stdout), TTY resizes and the exit code.
 *
 * <p>Why not docker-java's {@code execStartCmd().withStdIn(..)}: its httpclient5 transport never
 * half-closes the hijacked connection at the end of stdin ({@code UnixSocket.shutdownOutput()}
 * throws, docker-java issues 1684 and 471), so a non-TTY {@code cat} never sees EOF and never ends.
 * Every attached exec would also hold one of the client's 64 pooled connections for its whole life.
 * So this class does the hijack itself, on a socket of its own: {@code POST /exec/{id}/start} with
 * {@code Connection: Upgrade} and {@code Upgrade: tcp}, a {@code 101} answer, and from then on the
 * bare stream (the docker CLI does the same and calls {@code CloseWrite} for EOF). Without a TTY
 * the engine multiplexes stdout and stderr in frames of an 8-byte header ({@code [stream, 0, 0, 0,
 * length as big-endian int32]}) and the payload; with a TTY the stream is raw. Which one is decided
 * by the exec's own {@code Tty} setting, never guessed from the first byte.
 *
 * <p>Only engines on a unix socket ({@code unix:///var/run/docker.sock}, the default) are
 * supported; a {@code tcp://} engine (and one made elsewhere and {@linkplain DockerEngine#wrap
 * wrapped}) gets {@link ErrorCode#UNSUPPORTED}.
 *
 * <p>One virtual thread per exec reads the socket and splits it into two {@link BoundedPipe}s of
 * {@value #BUFFER_BYTES} bytes each. When a pipe is full that thread waits, the socket fills and
 * the engine stops the process's writes: memory stays bounded and nothing is lost, but a reader
 * must read (or close) both streams, else a full stderr holds stdout back. Reading blocks only the
 * reader. {@link #close()} drops the attachment; the process goes on running unattached.
 */
final class ExecAttach implements AutoCloseable {
  static final int BUFFER_BYTES = 64 * 1024;
  private static final Pattern EXEC_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Duration EXIT_CODE_WAIT = Duration.ofSeconds(5);
  private static final Duration RESIZE_RETRY = Duration.ofSeconds(1);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(20);

  private final DockerEngine engine;
  private final String execId;
  private final boolean tty;
  private final SocketChannel channel;
  private final BoundedPipe stdout = new BoundedPipe(BUFFER_BYTES);
  private final BoundedPipe stderr = new BoundedPipe(BUFFER_BYTES);
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final OutputStream stdin = new Stdin();
  private final ProcessSink sink; // null: the output goes to the pipes
  private volatile boolean closed;
  private volatile Thread pumping;

  private ExecAttach(
      DockerEngine engine, String execId, boolean tty, SocketChannel channel, ProcessSink sink) {
    this.engine = engine;
    this.execId = execId;
    this.tty = tty;
    this.channel = channel;
    this.sink = sink;
  }

  /**
   * Starts the created exec {@code execId} attached. Throws NOT_FOUND for an unknown exec (the
   * engine forgets a container's execs when it stops), CONFLICT for one started before, UNSUPPORTED
   * for an engine not on a unix socket.
   */
  static ExecAttach start(DockerEngine engine, String execId) {
    return start(engine, execId, null);
  }

  /**
   * As {@link #start(DockerEngine, String)}, but the output goes to {@code sink} instead of the
   * pipes: called on the one thread that reads the socket, in the order the engine sent it, so a
   * sink that blocks holds the engine (and the process) back; {@link #exit()} completes only after
   * the last call returned. The pipes then stay empty.
   */
  static ExecAttach start(DockerEngine engine, String execId, ProcessSink sink) {
    Path socket = ExecHandshake.unixSocket(engine);
    requireExecId(execId);
    InspectExecResponse info;
    try {
      info =
          engine.quick("inspect exec " + execId, () -> engine.client.inspectExecCmd(execId).exec());
    } catch (RuntimeException e) {
      if (DockerEngine.isNotFound(e)) {
        throw new BerthException(ErrorCode.NOT_FOUND, "no exec " + execId + " on the engine");
      }
      throw DockerEngine.failure("inspect exec " + execId, e);
    }
    // Past the 101 the engine can only report a refusal as text on the output stream, where it
    // looks like the process's own, so what inspect can tell is checked first. Two concurrent
    // starts of one exec still race; the loser's stdout then carries Docker's message.
    if (Boolean.TRUE.equals(info.isRunning()) || info.getExitCodeLong() != null) {
      throw new BerthException(
          ErrorCode.CONFLICT, "Docker: exec " + execId + " was started already; an exec runs once");
    }
    boolean tty =
        info.getProcessConfig() != null && Boolean.TRUE.equals(info.getProcessConfig().isTty());
    return hijack(engine, socket, execId, tty, sink);
  }

  /**
   * As {@link #start(DockerEngine, String, ProcessSink)}, for an exec the caller has just created
   * itself with {@code tty}: no inspect first, one engine round trip less before the first byte.
   * What that inspect guards against cannot happen to such an exec: it has not been started (only
   * its creator knows its id yet), and its TTY setting is the one the caller gave. An exec gone
   * meanwhile (its container stopped) still gets NOT_FOUND, from the start call's own 404.
   */
  static ExecAttach startCreated(
      DockerEngine engine, String execId, boolean tty, ProcessSink sink) {
    Path socket = ExecHandshake.unixSocket(engine);
    requireExecId(execId);
    return hijack(engine, socket, execId, tty, sink);
  }

  private static void requireExecId(String execId) {
    if (execId == null || !EXEC_ID.matcher(execId).matches()) {
      throw new BerthException(ErrorCode.BAD_REQUEST, "not an exec id: '" + execId + "'");
    }
  }

  /** Connects, starts the exec with {@code Upgrade: tcp}, and reads the stream from then on. */
  private static ExecAttach hijack(
      DockerEngine engine, Path socket, String execId, boolean tty, ProcessSink sink) {
    InputStream in;
    SocketChannel channel;
    try {
      channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      throw DockerEngine.failure("connect to " + socket, e);
    }
    try {
      // Bounded: an engine that accepts the connection but never answers must not hang us. A
      // timeout interrupts the handshake thread, which closes the channel under it.
      in = engine.quick("start exec " + execId, () -> ExecHandshake.start(channel, execId, tty));
    } catch (RuntimeException e) {
      closeQuietly(channel);
      if (e instanceof UncheckedIOException io) {
        throw DockerEngine.failure("start exec " + execId, io.getCause());
      }
      throw e;
    }
    var attach = new ExecAttach(engine, execId, tty, channel, sink);
    attach.pumping =
        Thread.ofVirtual()
            .name("berth-exec-attach-" + execId.substring(0, Math.min(12, execId.length())))
            .start(() -> attach.pump(in));
    return attach;
  }

  /** Whether the exec has a TTY (then stderr is empty and everything comes on stdout). */
  boolean tty() {
    return tty;
  }

  /**
   * The process's stdin; {@code close()} half-closes the socket: the process reads end-of-file. A
   * write blocks while the process does not read. Interrupting a writer blocked there closes the
   * whole attachment (the rule of NIO's interruptible channels), as {@link #close()} does.
   */
  OutputStream stdin() {
    return stdin;
  }

  /** The process's stdout (with a TTY: all its output). */
  InputStream stdout() {
    return stdout.input();
  }

  /** The process's stderr; with a TTY it ends at once and holds nothing. */
  InputStream stderr() {
    return stderr.input();
  }

  /**
   * Sets the TTY's size. BAD_REQUEST without a TTY or for a size below 1. The engine answers 101
   * before it has started the process and refuses a resize until then, so a refusal is retried for
   * up to {@link #RESIZE_RETRY} while the output has not ended (the docker CLI retries too).
   */
  void resize(int rows, int columns) {
    if (!tty) {
      throw new BerthException(ErrorCode.BAD_REQUEST, "exec " + execId + " has no TTY to resize");
    }
    if (rows < 1 || columns < 1) {
      throw new BerthException(
          ErrorCode.BAD_REQUEST,
          "a TTY size needs rows and columns >= 1, got " + rows + "x" + columns);
    }
    Instant deadline = Instant.now().plus(RESIZE_RETRY);
    while (true) {
      try {
        engine.quick(
            "resize exec " + execId,
            () -> engine.client.resizeExecCmd(execId).withSize(rows, columns).exec());
        return;
      } catch (BerthException e) {
        throw e;
      } catch (RuntimeException e) {
        if (exit.isDone() || Instant.now().isAfter(deadline)) {
          throw DockerEngine.failure("resize exec " + execId, e);
        }
      }
      pause();
    }
  }

  /**
   * Whether the engine still counts the exec as running (its output may not have ended yet either);
   * false once it has ended, or when the engine cannot say (the container gone with it).
   */
  boolean running() {
    if (exit.isDone()) {
      return false;
    }
    try {
      InspectExecResponse info =
          engine.quick("inspect exec " + execId, () -> engine.client.inspectExecCmd(execId).exec());
      return !(info.getExitCodeLong() != null && !Boolean.TRUE.equals(info.isRunning()));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Completes once the output has ended and all of it is queued for the readers (so a reader that
   * stops reading holds this back too), with the exit code the engine reports, -1 when it reports
   * none; exceptionally when the attachment broke or was {@linkplain #close() closed} first.
   */
  CompletableFuture<Integer> exit() {
    return exit;
  }

  /** Drops the attachment (the process keeps running); readers then get an IOException. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(channel);
  }

  /**
   * Closes, and also interrupts the thread that reads the socket, so a sink blocked in a call gets
   * its InterruptedException and {@link #exit()} completes (exceptionally) soon after.
   */
  void abort() {
    close();
    Thread t = pumping;
    if (t != null) {
      t.interrupt();
    }
  }

  /** Copies the socket into the pipes until the stream ends, then fetches the exit code. */
  private void pump(InputStream in) {
    try {
      if (tty) {
        byte[] buffer = new byte[16 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          deliver(false, buffer, n);
        }
      } else {
        demultiplex(in);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      IOException why =
          new IOException(
              closed
                  ? "the attachment to exec " + execId + " was closed"
                  : "the stream of exec " + execId + " broke: " + e.getMessage(),
              e);
      stdout.fail(why);
      stderr.fail(why);
      exit.completeExceptionally(why);
      closeQuietly(channel);
      return;
    }
    stdout.end();
    stderr.end();
    closeQuietly(channel);
    try {
      exit.complete(exitCode());
    } catch (RuntimeException e) {
      exit.completeExceptionally(e);
    }
  }

  /** Splits the engine's frames into stdout and stderr (stream 1 and 2; 0, stdin, never comes). */
  private void demultiplex(InputStream in) throws IOException, InterruptedException {
    byte[] header = new byte[8];
    byte[] buffer = new byte[16 * 1024];
    while (true) {
      int got = in.readNBytes(header, 0, 8);
      if (got == 0) {
        return; // the stream ended between frames: done
      }
      if (got < 8) {
        throw new EOFException("the stream ended inside a frame header");
      }
      boolean toStderr = header[0] == 2;
      long left = ByteBuffer.wrap(header, 4, 4).getInt() & 0xffffffffL;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(left, buffer.length));
        if (n < 0) {
          throw new EOFException("the stream ended inside a frame");
        }
        deliver(toStderr, buffer, n);
        left -= n;
      }
    }
  }

  private void deliver(boolean toStderr, byte[] buffer, int n) throws InterruptedException {
    if (sink != null) {
      sink.output(toStderr ? ProcessStream.STDERR : ProcessStream.STDOUT, buffer, 0, n);
    } else {
      (toStderr ? stderr : stdout).write(buffer, 0, n);
    }
  }

  /**
   * The exit code once the engine marks the exec as ended. It does so before it closes the stream,
   * so this normally answers at once; the short wait is for an engine that reports it late.
   */
  private int exitCode() {
    Instant deadline = Instant.now().plus(EXIT_CODE_WAIT);
    while (true) {
      InspectExecResponse info;
      try {
        info =
            engine.quick(
                "inspect exec " + execId, () -> engine.client.inspectExecCmd(execId).exec());
      } catch (RuntimeException e) {
        if (DockerEngine.isNotFound(e)) {
          return -1; // the container stopped and the engine forgot the exec
        }
        throw e;
      }
      if (!Boolean.TRUE.equals(info.isRunning()) && info.getExitCodeLong() != null) {
        return info.getExitCodeLong().intValue();
      }
      if (Instant.now().isAfter(deadline)) {
        return -1;
      }
      if (!pause()) {
        return -1;
      }
    }
  }

  /** A short pause between retries of a call the engine has no event for; false if interrupted. */
  private static boolean pause() {
    try {
      Thread.sleep(RETRY_PAUSE);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }

  /** Writes go straight to the socket; close() half-closes it, which is the process's EOF. */
  private final class Stdin extends OutputStream {
    private boolean ended;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      if (ended) {
        throw new IOException("stdin of exec " + execId + " is closed");
      }
      Objects.checkFromIndexSize(off, len, b.length);
      ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }

    @Override
    public synchronized void close() throws IOException {
      if (!ended) {
        ended = true;
        try {
          channel.shutdownOutput();
        } catch (ClosedChannelException e) {
          // the output ended and the socket with it: the process reads nothing more anyway
        }
      }
    }
  }
}
