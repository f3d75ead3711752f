package dev.berth.cli;

import java.io.PrintWriter;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * Follows an image job (build or update) until it ends, showing its progress: in a terminal one
 * line per finished image and a status line redrawn in place; otherwise the job's log, line by
 * line, as it comes (for logs and CI).
 */
final class ImageJobFollower {
  private static final long POLL_MILLIS = 300;

  enum Mode {
    TTY,
    PLAIN,
    QUIET
  }

  private final ApiClient client;
  private final PrintWriter out;
  private final Mode mode;

  ImageJobFollower(ApiClient client, PrintWriter out, Mode mode) {
    this.client = client;
    this.out = out;
    this.mode = mode;
  }

  /** {@code auto}: a terminal when the JVM has a console, else plain lines. */
  static Mode mode(String option, boolean json) {
    if (json) {
      return Mode.QUIET;
    }
    return switch (option.toLowerCase(Locale.ROOT)) {
      case "tty" -> Mode.TTY;
      case "plain" -> Mode.PLAIN;
      case "auto" -> System.console() != null ? Mode.TTY : Mode.PLAIN;
      default ->
          throw new CliException("--progress must be auto, tty or plain (got " + option + ")");
    };
  }

  /** Polls until the job has finished; returns its last state. */
  JsonNode follow(String jobId) {
    long logAfter = 0;
    int shownDone = 0;
    boolean statusLine = false;
    while (true) {
      JsonNode job =
          client.json("GET", "/api/v1/images/builds/" + jobId + "?logAfter=" + logAfter, null);
      logAfter = job.get("logNext").asLong();
      boolean finished =
          job.get("state").asString().equals("succeeded")
              || job.get("state").asString().equals("failed");
      switch (mode) {
        case PLAIN -> {
          for (JsonNode line : job.get("log")) {
            out.println(line.asString());
          }
          out.flush();
        }
        case TTY -> {
          if (statusLine) {
            out.print("\r\033[K");
          }
          JsonNode images = job.get("images");
          int done = 0;
          String current = null;
          for (int i = 0; i < images.size(); i++) {
            JsonNode image = images.get(i);
            String state = image.get("state").asString();
            if (state.equals("pending") || state.equals("building")) {
              if (state.equals("building")) {
                current = status(image, i + 1, images.size());
              }
              continue;
            }
            done++;
            if (done > shownDone) {
              out.println(symbol(state) + " " + image.get("template").asString() + "  " + state);
              shownDone = done;
            }
          }
          statusLine = current != null && !finished;
          if (statusLine) {
            out.print(current);
          }
          out.flush();
        }
        case QUIET -> {}
      }
      if (finished) {
        return client.json(
            "GET", "/api/v1/images/builds/" + jobId + "?logAfter=" + Long.MAX_VALUE, null);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted; the job goes on in the server: " + jobId);
      }
    }
  }

  private static String status(JsonNode image, int index, int total) {
    String text =
        "[" + index + "/" + total + "] " + image.get("template").asString() + "  building";
    if (image.get("steps").asInt() > 0) {
      text +=
          "  step "
              + image.get("step").asInt()
              + "/"
              + image.get("steps").asInt()
              + ": "
              + image.get("instruction").asString();
    }
    return text.length() > 110 ? text.substring(0, 107) + "..." : text;
  }

  private static String symbol(String state) {
    return switch (state) {
      case "built", "cached" -> "✓";
      case "failed" -> "✗";
      default -> "-";
    };
  }

  /** The per-image summary table, and the failure's step and log tail if there was one. */
  static void summary(JsonNode job, PrintWriter out) {
    if (job.get("results").isEmpty()) {
      out.println("nothing to build: no template has a Dockerfile");
      out.flush();
      return;
    }
    var table = new Table("IMAGE", "TAG", "SIZE", "TIME", "RESULT");
    JsonNode failed = null;
    for (JsonNode r : job.get("results")) {
      String reference = r.get("reference").asString();
      String tag =
          reference.contains(":") ? reference.substring(reference.lastIndexOf(':') + 1) : "";
      String outcome = r.get("outcome").asString();
      table.row(
          r.get("template").asString(),
          tag.isEmpty() ? null : tag,
          r.get("sizeBytes").asLong() > 0 ? size(r.get("sizeBytes").asLong()) : null,
          outcome.equals("skipped")
              ? null
              : String.format(Locale.ROOT, "%.1fs", r.get("seconds").asDouble()),
          outcome);
      if (outcome.equals("failed")) {
        failed = r;
      }
    }
    table.print(out);
    if (failed != null) {
      out.println();
      out.println(
          "build of '"
              + failed.get("template").asString()
              + "' failed"
              + (failed.get("failedStep").asString().isEmpty()
                  ? ""
                  : " at " + failed.get("failedStep").asString())
              + ": "
              + failed.get("error").asString());
      out.println("last lines of its output:");
      for (JsonNode line : failed.get("logTail")) {
        out.println("  " + line.asString());
      }
      out.println(
          failed.path("imageId").asString("").isEmpty()
              ? "it had no image before, so it has none now; the images after it were not built"
              : "its previous image is kept; the images after it were not built");
    }
    out.flush();
  }

  static String size(long bytes) {
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    if (bytes < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
  }
}
