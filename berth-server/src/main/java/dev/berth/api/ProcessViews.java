package dev.berth.api;

import dev.berth.runtime.ProcessStream;
import dev.berth.service.processes.LiveProcess;
import dev.berth.service.processes.OutputLog;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON of processes started with handles and of their output. */
final class ProcessViews {
  private ProcessViews() {}

  static Map<String, Object> view(LiveProcess p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", p.id());
    out.put("command", p.argv());
    out.put("tty", p.tty().map(t -> Map.of("cols", t.columns(), "rows", t.rows())).orElse(null));
    out.put("background", p.background());
    out.put("state", p.running() ? "running" : "exited");
    out.put("exitCode", p.exitCode().isPresent() ? p.exitCode().getAsInt() : null);
    out.put("endedBy", p.endedBy().orElse(null));
    out.put("startedAt", p.started().toString());
    out.put("endedAt", p.ended().map(Object::toString).orElse(null));
    out.put("outputBytes", p.output().offset());
    return out;
  }

  static List<Map<String, Object>> views(List<LiveProcess> list) {
    return list.stream().map(ProcessViews::view).toList();
  }

  /** One chunk of output: its stream, its offset, and its bytes as text or as base64. */
  static Map<String, Object> chunk(OutputLog.Chunk c, boolean base64) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("stream", c.stream() == ProcessStream.STDOUT ? "stdout" : "stderr");
    out.put("offset", c.offset());
    if (base64) {
      out.put("data", Base64.getEncoder().encodeToString(c.data()));
    } else {
      out.put("text", new String(c.data(), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** A read of a process's output, with the process as it is after the read. */
  static Map<String, Object> read(LiveProcess p, OutputLog.Read r, boolean base64) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("chunks", r.chunks().stream().map(c -> chunk(c, base64)).toList());
    out.put("skipped", r.skipped());
    out.put("next", r.next());
    out.put("ended", r.ended());
    out.put("process", view(p));
    return out;
  }
}
