package dev.berth.api;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.ProcessStream;
import dev.berth.service.ExecOutput;
import dev.berth.service.SessionWorkspace;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST .../exec} with {@code "stream": true}: the command's output as it comes, one JSON
 * object a line ({@code application/x-ndjson}): {@code {"stream": "stdout" | "stderr", "text"}} for
 * each chunk, then {@code {"exitCode", "timedOut", "durationMs", "stdoutBytes", "stderrBytes"}} as
 * the last line. The exec is the same one (its limits, timeout and end by a stop or delete, see
 * {@link SessionWorkspace#exec}); only its output travels earlier.
 *
 * <p>The answer begins with the command's first output: until then an error is an ordinary error
 * answer with its status (400, 404, 409, 501...); after it, the status is already 200, so an error
 * (the exec ended by a delete, the backend failing) is the last line instead, {@code {"error":
 * {"code", "message"}}}. A chunk's text is UTF-8 decoded per stream across chunks, so a character
 * split between two reads is whole in the line that ends it. A client that stops reading holds the
 * command back (backpressure) but not its timeout; one that goes away does not end it, as with a
 * plain exec.
 */
final class ExecStream implements ExecOutput {
  static final String CONTENT_TYPE = "application/x-ndjson";
  private static final Logger log = LoggerFactory.getLogger(ExecStream.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpServletResponse response;
  private final ReentrantLock lock = new ReentrantLock();
  private final CharsetDecoder stdout = decoder();
  private final CharsetDecoder stderr = decoder();
  private final ByteBuffer[] pending = {ByteBuffer.allocate(0), ByteBuffer.allocate(0)};
  private OutputStream out;
  private boolean gone; // the client went away: nothing more is written
  private boolean finished;

  private ExecStream(HttpServletResponse response) {
    this.response = response;
  }

  /** Runs the exec and streams it to the caller of {@code ctx}. */
  static void run(
      Context ctx, SessionWorkspace workspace, SessionId id, RequestBodies.AskedExec asked) {
    var stream = new ExecStream(ctx.res());
    ExecResult result;
    try {
      result = workspace.exec(id, asked.container(), asked.command(), stream);
    } catch (RuntimeException e) {
      if (!stream.committed()) {
        throw e; // nothing sent yet: the ordinary error answer, with its status
      }
      stream.finish(errorLine(ctx, e));
      return;
    }
    Map<String, Object> end = new LinkedHashMap<>();
    end.put("exitCode", result.exitCode());
    end.put("timedOut", result.timedOut());
    end.put("durationMs", result.elapsed().toMillis());
    end.put("stdoutBytes", result.stdoutBytes());
    end.put("stderrBytes", result.stderrBytes());
    stream.finish(end);
  }

  /** The error as every error answer has it, {@code {"error": {"code", "message"}}}. */
  private static Map<String, Object> errorLine(Context ctx, RuntimeException e) {
    String code;
    String message;
    if (e instanceof BerthException b) {
      if (b.code() == ErrorCode.INTERNAL) {
        log.error("internal error on {} {}", ctx.method(), ctx.path(), e);
      }
      code = b.code().wireName();
      message = b.getMessage();
    } else {
      String ref = Long.toHexString(System.nanoTime());
      log.error("unexpected error [{}] on {} {}", ref, ctx.method(), ctx.path(), e);
      code = "internal";
      message = "internal error (reference " + ref + " in the server log)";
    }
    Map<String, Object> error = new LinkedHashMap<>(); // in the order every error answer has
    error.put("code", code);
    error.put("message", message);
    return Map.of("error", error);
  }

  private static CharsetDecoder decoder() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
  }

  @Override
  public void output(ProcessStream stream, byte[] data, int offset, int length) {
    lock.lock();
    try {
      if (finished) {
        return;
      }
      String text = decode(stream, ByteBuffer.wrap(data, offset, length), false);
      if (!text.isEmpty()) {
        write(chunk(stream, text));
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The text of {@code bytes} after what this stream left undecoded; an incomplete character at the
   * end waits for the next chunk (or, at the end, comes out as U+FFFD).
   */
  private String decode(ProcessStream stream, ByteBuffer bytes, boolean last) {
    int i = stream == ProcessStream.STDOUT ? 0 : 1;
    CharsetDecoder d = i == 0 ? stdout : stderr;
    ByteBuffer in = ByteBuffer.allocate(pending[i].remaining() + bytes.remaining());
    in.put(pending[i]).put(bytes).flip();
    CharBuffer chars = CharBuffer.allocate((int) (in.remaining() * 1.1) + 4);
    d.decode(in, chars, last);
    if (last) {
      d.flush(chars);
    }
    pending[i] = ByteBuffer.allocate(in.remaining()).put(in).flip();
    return chars.flip().toString();
  }

  private static Map<String, Object> chunk(ProcessStream stream, String text) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("stream", stream == ProcessStream.STDOUT ? "stdout" : "stderr");
    line.put("text", text);
    return line;
  }

  /** Writes what the decoders still hold, then {@code last}; nothing is written after it. */
  private void finish(Object last) {
    lock.lock();
    try {
      for (ProcessStream s : ProcessStream.values()) {
        String rest = decode(s, ByteBuffer.allocate(0), true);
        if (!rest.isEmpty()) {
          write(chunk(s, rest));
        }
      }
      write(last);
      finished = true;
    } finally {
      lock.unlock();
    }
  }

  private boolean committed() {
    lock.lock();
    try {
      return out != null;
    } finally {
      lock.unlock();
    }
  }

  /** One line, sent at once; the first one commits the answer as a 200 stream. */
  private void write(Object line) {
    if (gone) {
      return;
    }
    try {
      if (out == null) {
        response.setStatus(200);
        response.setContentType(CONTENT_TYPE);
        response.setCharacterEncoding("utf-8");
        out = response.getOutputStream();
      }
      out.write(JSON.writeValueAsBytes(line));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      gone = true; // the command goes on to its end or timeout, as a plain exec does
      log.debug("exec stream client went away: {}", e.toString());
    }
  }
}
