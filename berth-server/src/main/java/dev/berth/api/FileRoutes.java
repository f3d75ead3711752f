package dev.berth.api;

import static dev.berth.api.SessionRoutes.id;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.FileEntry;
import dev.berth.service.SessionWorkspace;
import dev.berth.service.files.FileCondition;
import dev.berth.service.files.FileVersion;
import dev.berth.service.files.FileVersionConflict;
import dev.berth.service.files.VersionedFile;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Files, archives and exec inside a session. File bodies are raw bytes streamed through, never
 * parsed; a directory GET answers with a JSON listing. A file's GET and PUT carry its version as
 * {@code ETag}, and a PUT honours {@code If-Match} / {@code If-None-Match: *} ({@link
 * FileVersionHeaders}).
 */
final class FileRoutes {
  private final SessionWorkspace workspace;
  private final long maxRequestBytes;

  FileRoutes(SessionWorkspace workspace, long maxRequestBytes) {
    this.workspace = workspace;
    this.maxRequestBytes = maxRequestBytes;
  }

  void register(RoutesConfig r) {
    r.get("/api/v1/sessions/{id}/files", ctx -> getPath(ctx, ""));
    r.get("/api/v1/sessions/{id}/files/<path>", ctx -> getPath(ctx, ctx.pathParam("path")));
    r.put("/api/v1/sessions/{id}/files/<path>", this::put);
    r.delete("/api/v1/sessions/{id}/files/<path>", this::delete);
    r.post("/api/v1/sessions/{id}/mkdir", this::mkdir);
    r.post("/api/v1/sessions/{id}/move", this::move);
    r.get("/api/v1/sessions/{id}/archive", this::getArchive);
    r.put("/api/v1/sessions/{id}/archive", this::putArchive);
    r.post("/api/v1/sessions/{id}/exec", this::exec);
  }

  private void getPath(Context ctx, String path) {
    SessionId id = id(ctx);
    if (RequestBodies.boolParam(ctx, "stat", false)) {
      ctx.json(workspace.stat(id, path));
      return;
    }
    FileEntry entry = workspace.stat(id, path);
    if (entry.type() == FileEntry.Type.DIRECTORY) {
      ctx.json(workspace.list(id, path));
    } else {
      VersionedFile file = workspace.readVersioned(id, path);
      ctx.header("ETag", FileVersion.etag(file.version()));
      if (FileVersionHeaders.notModified(ctx, file.version())) {
        ctx.status(304);
        return;
      }
      ctx.contentType("application/octet-stream").result(file.content());
    }
  }

  private void put(Context ctx) {
    SessionId id = id(ctx);
    String path = ctx.pathParam("path");
    long declared = ctx.req().getContentLengthLong();
    long max = workspace.limits().maxFileBytes();
    if (declared > max) {
      throw new BerthException(
          ErrorCode.TOO_LARGE,
          "the body is " + declared + " bytes; the limit is " + max + " (maxFileBytes)");
    }
    FileCondition condition = FileVersionHeaders.condition(ctx);
    String version;
    try {
      version = workspace.writeFile(id, path, body(ctx, max), condition);
    } catch (FileVersionConflict e) {
      FileVersionHeaders.conflict(e, ctx);
      return;
    }
    ctx.header("ETag", FileVersion.etag(version));
    ctx.status(201).json(workspace.stat(id, path));
  }

  private void delete(Context ctx) {
    SessionId id = id(ctx);
    boolean recursive = RequestBodies.boolParam(ctx, "recursive", false);
    workspace.delete(id, ctx.pathParam("path"), recursive);
    ctx.status(204);
  }

  private void mkdir(Context ctx) {
    SessionId id = id(ctx);
    String path = RequestBodies.requiredStrings(RequestBodies.json(ctx, true), "path").get("path");
    workspace.makeDirectory(id, path);
    ctx.status(201).json(workspace.stat(id, path));
  }

  private void move(Context ctx) {
    SessionId id = id(ctx);
    Map<String, String> body =
        RequestBodies.requiredStrings(RequestBodies.json(ctx, true), "from", "to");
    workspace.move(id, body.get("from"), body.get("to"));
    ctx.json(workspace.stat(id, body.get("to")));
  }

  private void getArchive(Context ctx) {
    SessionId id = id(ctx);
    String path = java.util.Objects.requireNonNullElse(ctx.queryParam("path"), "");
    workspace.stat(id, path); // 404 before any byte of the response is written
    ctx.contentType("application/x-tar");
    workspace.getArchive(id, path, ctx.outputStream());
  }

  private void putArchive(Context ctx) {
    SessionId id = id(ctx);
    String path = java.util.Objects.requireNonNullElse(ctx.queryParam("path"), "");
    workspace.putArchive(id, path, body(ctx, maxRequestBytes));
    ctx.status(204);
  }

  private void exec(Context ctx) {
    SessionId id = id(ctx);
    BodyLimits.refuseDeclaredOver(ctx, maxRequestBytes, "maxRequestBytes");
    var asked = RequestBodies.exec(RequestBodies.json(ctx, true, maxRequestBytes));
    if (asked.stream()) {
      ExecStream.run(ctx, workspace, id, asked);
      return;
    }
    ctx.json(ApiViews.ExecView.of(workspace.exec(id, asked.container(), asked.command())));
  }

  /** The raw request body, failing with 413 once more than {@code max} bytes have arrived. */
  private static InputStream body(Context ctx, long max) {
    try {
      return new LimitedInputStream(ctx.req().getInputStream(), max);
    } catch (IOException e) {
      throw BerthException.badRequest("cannot read the request body: " + e.getMessage());
    }
  }

  private static final class LimitedInputStream extends FilterInputStream {
    private final long max;
    private long seen;

    LimitedInputStream(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      count(Math.max(n, 0));
      return n;
    }

    private void count(int n) {
      seen += n;
      if (seen > max) {
        throw new BerthException(
            ErrorCode.TOO_LARGE, "the request body is larger than the limit of " + max + " bytes");
      }
    }
  }
}
