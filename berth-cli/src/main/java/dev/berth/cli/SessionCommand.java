package dev.berth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(
    name = "session",
    mixinStandardHelpOptions = true,
    description = "Create, inspect, use and remove sessions.",
    subcommands = {
      SessionCommand.Create.class,
      SessionCommand.Ls.class,
      SessionCommand.Show.class,
      SessionCommand.Rm.class,
      SessionCommand.Stop.class,
      SessionCommand.Start.class,
      SessionCommand.Migrate.class,
      SessionExecCommand.class,
      SessionProcessesCommand.Ps.class,
      SessionProcessesCommand.Attach.class,
      SessionProcessesCommand.Kill.class,
      SessionCopyCommand.class,
      SessionCommand.Logs.class,
      SessionCommand.Events.class,
      SessionContainersCommand.Ls.class,
      SessionContainersCommand.Group.class,
      SessionTokenCommand.class
    })
final class SessionCommand {
  private static final String SESSIONS = "/api/v1/sessions";
  private static final java.nio.charset.Charset UTF8 = java.nio.charset.StandardCharsets.UTF_8;

  /** A command about one session, named by its ID. */
  abstract static class OnSession extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "the session id")
    String id;

    String path(String suffix) {
      return SESSIONS + "/" + ApiClient.encodePath(id) + suffix;
    }

    /** stop and start: print the new status; a session that ended FAILED is an error. */
    void lifecycle(String action) {
      JsonNode s = client().json("POST", path("/" + action), null);
      if (json) {
        printJson(s);
      } else {
        out().println("session " + id + ": " + s.get("status").asString());
        out().flush();
      }
      if (s.get("status").asString().equals("FAILED")) {
        throw new CliException(
            "session "
                + id
                + " failed: "
                + s.get("statusReason").asString()
                + "\n"
                + FirstUseBuild.failedHint(id));
      }
    }
  }

  static String age(String instant) {
    Duration d = Duration.between(Instant.parse(instant), Instant.now());
    if (d.toSeconds() < 120) {
      return d.toSeconds() + "s";
    }
    if (d.toMinutes() < 120) {
      return d.toMinutes() + "m";
    }
    return d.toHours() < 48 ? d.toHours() + "h" : d.toDays() + "d";
  }

  static void printSession(ClientCommand c, JsonNode s) {
    var table = new Table("FIELD", "VALUE");
    table.row("id", s.get("id").asString());
    table.row("template", s.get("template").asString());
    table.row("backend", s.get("backend").asString());
    table.row("status", s.get("status").asString());
    if (!s.path("statusReason").asString("").isEmpty()) {
      table.row("reason", s.get("statusReason").asString());
    }
    s.get("endpoints")
        .properties()
        .forEach(e -> table.row("endpoint " + e.getKey(), e.getValue().asString()));
    s.get("labels")
        .properties()
        .forEach(e -> table.row("label " + e.getKey(), e.getValue().asString()));
    s.get("resources")
        .properties()
        .forEach(e -> table.row("resource " + e.getKey(), e.getValue().asString()));
    table.row(
        "created",
        s.get("createdAt").asString() + " (" + age(s.get("createdAt").asString()) + " ago)");
    table.row("last activity", age(s.get("lastActivityAt").asString()) + " ago");
    String life = s.path("life").path("explanation").asString("");
    if (!life.isEmpty()) {
      table.row("life", life);
    }
    String definition = s.path("definition").path("explanation").asString("");
    if (!definition.isEmpty()) {
      table.row("definition", definition);
    }
    table.print(c.out());
  }

  static void printReceipt(ClientCommand c, JsonNode receipt) {
    String id = receipt.get("sessionId").asString();
    if (receipt.get("nothingLeft").asBoolean()) {
      c.out().println("session " + id + ": nothing left to remove");
      c.out().flush();
      return;
    }
    var table = new Table("RESULT", "KIND", "NAME", "REASON");
    for (JsonNode r : receipt.get("removed")) {
      table.row("removed", r.get("kind").asString(), r.get("name").asString(), "");
    }
    for (JsonNode f : receipt.get("failed")) {
      table.row(
          "FAILED", f.get("kind").asString(), f.get("name").asString(), f.get("reason").asString());
    }
    c.out().println("cleanup receipt for session " + id + ":");
    table.print(c.out());
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a session and wait until it is ready.")
  static final class Create extends ClientCommand {
    @Option(names = "--id", description = "session id (default: generated)")
    String id;

    @Option(
        names = {"-t", "--template"},
        description = "template (default: default)")
    String template;

    @Option(
        names = "--backend",
        description = "backend (default: the template's, else the server's)")
    String backend;

    @Option(
        names = {"-l", "--label"},
        description = "label key=value; repeatable")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--no-start", description = "only warm the workspace; start later")
    boolean noStart;

    @Option(
        names = "--build",
        description = "build the template's image first if it is not built yet, showing progress")
    boolean build;

    @Override
    public void run() {
      Map<String, Object> body = new LinkedHashMap<>();
      // Named here, as the server would (SessionId.generate), so its events can be followed
      // while the create waits.
      String sessionId = id != null ? id : dev.berth.base.SessionId.generate().value();
      body.put("id", sessionId);
      if (template != null) {
        body.put("template", template);
      }
      if (backend != null) {
        body.put("backend", backend);
      }
      body.put("labels", labels);
      body.put("start", !noStart);
      JsonNode created;
      try (var progress = CreateProgress.follow(client(), sessionId, err())) {
        created = FirstUseBuild.create(this, body, build);
        progress.awaitStatus(created.path("session").path("status").asString(""));
      }
      JsonNode session = created.get("session");
      if (json) {
        printJson(created);
      } else {
        printSession(this, session);
        if (created.path("pooled").asBoolean(false)) {
          out()
              .println(
                  "taken from the warm pool of template '"
                      + session.get("template").asString()
                      + "' (resources named after member "
                      + session.path("handle").asString()
                      + ")");
        }
        out().println();
        if (created.hasNonNull("token")) {
          out().println("session token (shown once; acts on this session only):");
          out().println("  " + created.get("token").asString());
        } else if (created.hasNonNull("noToken")) {
          out().println("no session token: " + created.get("noToken").asString());
        }
        out().flush();
      }
      if (session.get("status").asString().equals("FAILED")) {
        throw new CliException(
            "session "
                + session.get("id").asString()
                + " failed: "
                + session.get("statusReason").asString()
                + "\n"
                + FirstUseBuild.failedHint(session.get("id").asString()));
      }
    }
  }

  @Command(
      name = "ls",
      aliases = "list",
      mixinStandardHelpOptions = true,
      description = "List live sessions.")
  static final class Ls extends ClientCommand {
    @Option(names = "--status", description = "only sessions in this status")
    String status;

    @Option(
        names = {"-t", "--template"},
        description = "only sessions of this template")
    String template;

    @Option(
        names = {"-l", "--label"},
        description = "only sessions with label key=value; repeatable")
    List<String> labels = new ArrayList<>();

    @Override
    public void run() {
      List<String> query = new ArrayList<>();
      if (status != null) {
        query.add("status=" + ApiClient.query(status));
      }
      if (template != null) {
        query.add("template=" + ApiClient.query(template));
      }
      labels.forEach(l -> query.add("label=" + ApiClient.query(l)));
      JsonNode sessions =
          client()
              .json("GET", SESSIONS + (query.isEmpty() ? "" : "?" + String.join("&", query)), null);
      if (json) {
        printJson(sessions);
        return;
      }
      var table = new Table("ID", "TEMPLATE", "BACKEND", "STATUS", "AGE", "ENDPOINT");
      for (JsonNode s : sessions) {
        var endpoints = s.get("endpoints").properties().iterator();
        table.row(
            s.get("id").asString(),
            s.get("template").asString(),
            s.get("backend").asString(),
            s.get("status").asString(),
            age(s.get("createdAt").asString()),
            endpoints.hasNext() ? endpoints.next().getValue().asString() : null);
      }
      table.print(out());
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one session.")
  static final class Show extends OnSession {

    @Override
    public void run() {
      JsonNode s = client().json("GET", path(""), null);
      if (json) {
        printJson(s);
      } else {
        printSession(this, s);
      }
    }
  }

  @Command(
      name = "rm",
      mixinStandardHelpOptions = true,
      description = "Remove everything a session owns; prints the receipt.")
  static final class Rm extends OnSession {

    @Override
    public void run() {
      HttpResponse<InputStream> r =
          client().send("DELETE", path(""), HttpRequest.BodyPublishers.noBody(), null);
      JsonNode receipt;
      try {
        receipt = ApiClient.readJson(r);
      } catch (CliException e) {
        JsonNode partial = e.body() == null ? null : e.body().get("receipt");
        if (partial == null) {
          throw e;
        }
        if (json) {
          printJson(e.body());
        } else {
          printReceipt(this, partial);
        }
        throw new CliException(
            "cleanup incomplete; run 'berth session rm " + id + "' again to retry");
      }
      if (json) {
        printJson(receipt);
      } else {
        printReceipt(this, receipt);
      }
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stop a session; its workspace is kept.")
  static final class Stop extends OnSession {

    @Override
    public void run() {
      lifecycle("stop");
    }
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Start a stopped session and wait until it is ready.")
  static final class Start extends OnSession {

    @Override
    public void run() {
      lifecycle("start");
    }
  }

  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description = {
        "Move a session to another backend with its workspace.",
        "  berth session migrate ID --to docker",
        "Same id, labels and token; it runs again on the target if it was running. On"
            + " failure it stays where it was. Prints the cleanup receipt of the backend it"
            + " left."
      })
  static final class Migrate extends OnSession {
    @Option(
        names = "--to",
        required = true,
        paramLabel = "BACKEND",
        description = "the target backend (see 'berth doctor' for the configured ones)")
    String to;

    @Override
    public void run() {
      err().println("migrating session " + id + " to " + to + "...");
      err().flush();
      JsonNode r = client().json("POST", path("/migrate"), Map.of("to", to));
      if (json) {
        printJson(r);
        return;
      }
      JsonNode s = r.get("session");
      out()
          .println(
              "session "
                  + id
                  + ": "
                  + s.get("status").asString()
                  + " on "
                  + s.get("backend").asString());
      printReceipt(this, r.get("sourceCleanup"));
    }
  }

  @Command(
      name = "logs",
      mixinStandardHelpOptions = true,
      description = {
        "Print the last lines of the session app's output.",
        "With -f, then what it writes as it writes it, until it stops (or ^C)."
      })
  static final class Logs extends OnSession {

    @Option(
        names = {"-n", "--lines"},
        defaultValue = "100",
        description = "how many of the last lines to print (default 100)")
    int lines;

    @Option(
        names = {"-c", "--container"},
        description = "the session's container whose output to show (its type; default: the main)")
    String container;

    @Option(
        names = {"-f", "--follow"},
        description = "go on printing what the app writes, until it stops or ^C")
    boolean follow;

    @Override
    public void run() {
      String query =
          container == null ? "" : "&container=" + java.net.URLEncoder.encode(container, UTF8);
      if (follow) {
        follow(path("/logs/stream?lines=") + lines + query);
        return;
      }
      HttpResponse<InputStream> r =
          client()
              .send(
                  "GET",
                  path("/logs?lines=") + lines + query,
                  HttpRequest.BodyPublishers.noBody(),
                  null);
      ApiClient.checkOk(r);
      try (InputStream in = r.body()) {
        out().println(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new CliException("cannot read logs: " + e.getMessage());
      }
      out().flush();
    }

    /** The server's follow of the log (SSE: output pieces as written, then its end). */
    private void follow(String streamPath) {
      try (var events = new SseReader(client().stream(streamPath, Map.of()))) {
        SseReader.Message m;
        while ((m = events.next()) != null) {
          JsonNode data = ApiClient.JSON.readTree(m.data());
          if (m.event().equals("end")) {
            out().flush();
            err().println("berth: the log ended: " + data.path("reason").asString());
            err().flush();
            return;
          }
          if (m.event().equals("output")) {
            out().print(data.path("text").asString());
            out().flush();
          }
        }
      } catch (IOException e) {
        throw new CliException("the log stream broke off: " + e.getMessage());
      }
      throw new CliException("the server ended the log stream before the log ended");
    }
  }

  @Command(
      name = "events",
      mixinStandardHelpOptions = true,
      description = {
        "Print a session's audit trail.",
        "With -f, then each new event as it happens, until ^C; -f without an ID follows"
            + " every session's events (with a session token: its own)."
      })
  static final class Events extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "the session id")
    String id;

    @Option(
        names = "--incarnation",
        description =
            "the trail of an earlier session that had this id (admin; 1 is the first, each"
                + " event's 'incarnation' says which one it is)")
    Integer incarnation;

    @Option(
        names = {"-f", "--follow"},
        description = "after the trail so far, print each new event as it happens, until ^C")
    boolean follow;

    @Override
    public void run() {
      if (id == null) {
        if (!follow) {
          throw new CliException("name a session (berth session events ID), or follow all with -f");
        }
        if (incarnation != null) {
          throw new CliException("--incarnation needs a session ID");
        }
        new EventFollower(client(), out(), err(), json).followAll();
        return;
      }
      if (follow && incarnation != null) {
        throw new CliException(
            "--incarnation reads a deleted session's trail, which has nothing more to follow");
      }
      String query = incarnation == null ? "" : "?incarnation=" + incarnation;
      JsonNode events =
          client().json("GET", SESSIONS + "/" + ApiClient.encodePath(id) + "/events" + query, null);
      if (follow) {
        new EventFollower(client(), out(), err(), json).follow(id, events);
        return;
      }
      if (json) {
        printJson(events);
        return;
      }
      var table = new Table("AT", "TYPE", "MESSAGE");
      for (JsonNode e : events) {
        table.row(e.get("at").asString(), e.get("type").asString(), e.get("message").asString());
      }
      table.print(out());
    }
  }
}
