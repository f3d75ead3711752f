package dev.berth.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code berth session cp}: as {@code cp} does it, in either direction. A destination that ends in
 * {@code /} or is an existing directory means "into it"; a missing parent is an error unless {@code
 * -p}; a directory needs {@code -r} and goes through the archive endpoints in one call. Session
 * paths are relative to the workspace; an absolute one is taken when it is under the workspace's
 * mount (as a program in the session sees it), and refused otherwise.
 */
@Command(
    name = "cp",
    mixinStandardHelpOptions = true,
    description = {
      "Copy files into or out of a session, as cp does; one side is ID:PATH.",
      "A DST that ends in / or is a directory means into it; -r copies directories.",
      "Session paths are relative to its workspace, or absolute under its mount (/workspace).",
      "  berth session cp notes.txt my-session:docs/",
      "  berth session cp -r my-session:results ./"
    })
final class SessionCopyCommand extends ClientCommand {
  @Parameters(
      index = "0",
      paramLabel = "SRC",
      description = "what to copy: a local path, or ID:PATH in a session")
  String source;

  @Parameters(
      index = "1",
      paramLabel = "DST",
      description = "where to: a local path, or ID:PATH in a session (the other side of SRC)")
  String destination;

  @Option(
      names = {"-r", "-R", "--recursive"},
      description = "copy directories and everything in them")
  boolean recursive;

  @Option(
      names = {"-p", "--parents"},
      description = "create the destination's missing parent directories")
  boolean parents;

  @Override
  public void run() {
    Optional<SessionSide> to = SessionSide.parse(destination);
    Optional<SessionSide> from = SessionSide.parse(source);
    if (to.isPresent() == from.isPresent()) {
      throw new CliException(
          "exactly one of SRC and DST must be ID:PATH (a path in a session), the other a local"
              + " path");
    }
    if (to.isPresent()) {
      upload(Path.of(source), to.get());
    } else {
      download(from.get(), destination);
    }
    out().flush();
  }

  /** One side of the copy in a session: its id and the path as typed. */
  record SessionSide(String id, String typed) {
    static Optional<SessionSide> parse(String spec) {
      int colon = spec.indexOf(':');
      if (colon > 0 && spec.substring(0, colon).matches("[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?")) {
        return Optional.of(new SessionSide(spec.substring(0, colon), spec.substring(colon + 1)));
      }
      return Optional.empty();
    }

    boolean into() {
      return typed.endsWith("/");
    }

    @Override
    public String toString() {
      return id + ":" + typed;
    }
  }

  // ---- into a session

  private void upload(Path local, SessionSide to) {
    if (!Files.exists(local)) {
      throw new CliException("no file or directory " + local + " here");
    }
    boolean dir = Files.isDirectory(local);
    if (dir && !recursive) {
      throw new CliException(local + " is a directory: add -r to copy it and what is in it");
    }
    if (!dir && !Files.isRegularFile(local)) {
      throw new CliException(local + " is not a regular file or a directory");
    }
    String base = workspacePath(to);
    String name = local.toAbsolutePath().normalize().getFileName().toString();
    String target;
    // The parent first: beneath a file, some engines cannot even look (Docker answers 500).
    if (!base.isEmpty()) {
      readyParent(to, base);
    }
    Optional<JsonNode> there = stat(to.id(), base);
    if (to.into() || there.filter(SessionCopyCommand::isDirectory).isPresent()) {
      if (there.isEmpty()) {
        if (!parents) {
          throw new CliException(
              "no directory " + to + " in session " + to.id() + " (add -p to create it)");
        }
        mkdir(to.id(), base);
      } else if (!isDirectory(there.get())) {
        throw new CliException(to + " is a file, not a directory");
      }
      target = join(base, name);
    } else {
      target = base;
      if (target.isEmpty()) {
        throw new CliException("name a path in session " + to.id() + ", e.g. " + to.id() + ":.");
      }
    }
    Optional<JsonNode> existing = target.equals(base) ? there : stat(to.id(), target);
    if (dir) {
      if (existing.isPresent() && !isDirectory(existing.get())) {
        throw new CliException(
            "cannot copy directory " + local + " over the file " + shown(to.id(), target));
      }
      Path tar = LocalTree.tar(local, lastSegment(target), err());
      try {
        HttpResponse<InputStream> r =
            client()
                .send(
                    "PUT",
                    sessionPath(to.id(), "/archive?path=" + ApiClient.query(parent(target))),
                    HttpRequest.BodyPublishers.ofFile(tar),
                    "application/x-tar");
        ApiClient.checkOk(r);
      } catch (FileNotFoundException e) {
        throw new CliException("cannot read the archive made of " + local + ": " + e.getMessage());
      } finally {
        LocalTree.delete(tar);
      }
      out().println("copied directory " + local + " to " + shown(to.id(), target));
      return;
    }
    if (existing.filter(SessionCopyCommand::isDirectory).isPresent()) {
      throw new CliException(
          "cannot overwrite the directory " + shown(to.id(), target) + " with a file");
    }
    HttpResponse<InputStream> r;
    try {
      r =
          client()
              .send(
                  "PUT",
                  sessionPath(to.id(), "/files/" + ApiClient.encodePath(target)),
                  HttpRequest.BodyPublishers.ofFile(local),
                  "application/octet-stream");
    } catch (FileNotFoundException e) {
      throw new CliException("cannot read " + local);
    }
    JsonNode entry = ApiClient.readJson(r);
    out().println("copied " + entry.get("size").asLong() + " bytes to " + shown(to.id(), target));
  }

  /** The target's parent must be a directory, made on -p. */
  private void readyParent(SessionSide side, String target) {
    String parent = parent(target);
    if (parent.isEmpty()) {
      return;
    }
    Optional<JsonNode> p = stat(side.id(), parent);
    if (p.isEmpty()) {
      if (!parents) {
        throw new CliException(
            "no directory "
                + shown(side.id(), parent)
                + " in session "
                + side.id()
                + " (add -p to create it)");
      }
      mkdir(side.id(), parent);
    } else if (!isDirectory(p.get())) {
      throw new CliException(shown(side.id(), parent) + " is a file, not a directory");
    }
  }

  // ---- out of a session

  private void download(SessionSide from, String destination) {
    String path = workspacePath(from);
    JsonNode entry =
        stat(from.id(), path)
            .orElseThrow(
                () ->
                    new CliException(
                        "no file or directory " + from.typed() + " in session " + from.id()));
    boolean dir = isDirectory(entry);
    if (dir && !recursive) {
      throw new CliException(from + " is a directory: add -r to copy it and what is in it");
    }
    Path local = Path.of(destination);
    String name = path.isEmpty() ? from.id() : lastSegment(path);
    if (destination.endsWith("/") || destination.endsWith(java.io.File.separator)) {
      if (!Files.isDirectory(local)) {
        if (Files.exists(local)) {
          throw new CliException(local + " is a file, not a directory");
        }
        if (!parents) {
          throw new CliException("no directory " + local + " here (add -p to create it)");
        }
        LocalTree.createDirectories(local);
      }
      local = local.resolve(name);
    } else if (Files.isDirectory(local)) {
      local = local.resolve(name);
    } else {
      Path parent = local.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        if (Files.exists(parent)) {
          throw new CliException(parent + " is a file, not a directory");
        }
        if (!parents) {
          throw new CliException("no directory " + parent + " here (add -p to create it)");
        }
        LocalTree.createDirectories(parent);
      }
    }
    if (dir) {
      if (Files.exists(local) && !Files.isDirectory(local)) {
        throw new CliException("cannot copy directory " + from + " over the file " + local);
      }
      HttpResponse<InputStream> r =
          client()
              .send(
                  "GET",
                  sessionPath(from.id(), "/archive?path=" + ApiClient.query(path)),
                  HttpRequest.BodyPublishers.noBody(),
                  null);
      ApiClient.checkOk(r);
      try (InputStream in = r.body()) {
        int n = LocalTree.untar(in, local, path.isEmpty());
        out().println("copied directory " + from + " to " + local + " (" + n + " entries)");
      } catch (IOException e) {
        throw new CliException("the copy of " + from + " broke off: " + e.getMessage());
      }
      return;
    }
    if (Files.isDirectory(local)) {
      throw new CliException("cannot overwrite the directory " + local + " with a file");
    }
    HttpResponse<InputStream> r =
        client()
            .send(
                "GET",
                sessionPath(from.id(), "/files/" + ApiClient.encodePath(path)),
                HttpRequest.BodyPublishers.noBody(),
                null);
    ApiClient.checkOk(r);
    try (InputStream in = r.body()) {
      long n = Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
      out().println("copied " + n + " bytes to " + local);
    } catch (IOException e) {
      throw new CliException("cannot write " + local + ": " + LocalTree.reason(e));
    }
  }

  // ---- session paths

  /**
   * The typed path as the API takes it, relative to the workspace: an absolute path must be under
   * the workspace's mount, which is stripped; {@code .} and empty segments go.
   */
  private String workspacePath(SessionSide side) {
    String typed = side.typed();
    if (typed.startsWith("/")) {
      String mount = mount(side.id());
      String clean = normalize(typed);
      if (clean.equals(normalize(mount))) {
        return "";
      }
      if (!clean.startsWith(normalize(mount) + "/")) {
        throw new CliException(
            "'"
                + typed
                + "' is outside session "
                + side.id()
                + "'s workspace: session paths are relative to the workspace, or absolute under"
                + " its mount "
                + mount
                + " (e.g. "
                + side.id()
                + ":"
                + mount
                + "/docs/)");
      }
      return clean.substring(normalize(mount).length() + 1);
    }
    return normalize(typed);
  }

  /** Where the workspace is, as a program in the session sees it (BERTH_WORKSPACE). */
  private String mount(String id) {
    JsonNode r =
        client()
            .json(
                "POST",
                sessionPath(id, "/exec"),
                Map.of("command", "printf '%s' \"${BERTH_WORKSPACE:-$PWD}\""));
    String mount = r.path("stdout").asString("");
    if (r.path("exitCode").asInt(-1) != 0 || !mount.startsWith("/")) {
      throw new CliException(
          "session "
              + id
              + " cannot say where its workspace is mounted: give the path relative to the"
              + " workspace");
    }
    return mount;
  }

  private static String normalize(String path) {
    StringBuilder out = new StringBuilder();
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (!out.isEmpty()) {
        out.append('/');
      }
      out.append(segment);
    }
    return (path.startsWith("/") ? "/" : "") + out;
  }

  private static String join(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  private static String lastSegment(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static String shown(String id, String path) {
    return id + ":" + (path.isEmpty() ? "." : path);
  }

  private static String sessionPath(String id, String suffix) {
    return "/api/v1/sessions/" + ApiClient.encodePath(id) + suffix;
  }

  private static boolean isDirectory(JsonNode entry) {
    return entry.path("type").asString("").equals("DIRECTORY");
  }

  private Optional<JsonNode> stat(String id, String path) {
    String at = path.isEmpty() ? "/files?stat=true" : "/files/" + ApiClient.encodePath(path);
    HttpResponse<InputStream> r =
        client()
            .send(
                "GET",
                sessionPath(id, path.isEmpty() ? at : at + "?stat=true"),
                HttpRequest.BodyPublishers.noBody(),
                null);
    if (r.statusCode() == 404) {
      JsonNode body = ApiClient.JSON.createObjectNode();
      try (InputStream in = r.body()) {
        byte[] bytes = in.readAllBytes();
        if (bytes.length > 0) {
          body = ApiClient.JSON.readTree(bytes);
        }
      } catch (IOException | tools.jackson.core.JacksonException e) {
        // an answer without a body: still "not there"
      }
      // A 404 for the session itself is the error; one for the path means "nothing there".
      if (body.at("/error/message").asString("").startsWith("no session")) {
        throw CliException.fromResponse(404, body);
      }
      return Optional.empty();
    }
    return Optional.of(ApiClient.readJson(r));
  }

  private void mkdir(String id, String path) {
    client().json("POST", sessionPath(id, "/mkdir"), Map.of("path", path));
  }
}
