package dev.berth.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the {@link AppSettings} keys: {@code command} or {@code shell}, {@code ports}, {@code
 * probe} (with {@link ProbeParser}) and {@code proxy} (with {@link ProxyParser}).
 */
final class AppParser {
  private AppParser() {}

  static Overlay<AppSettings> read(TemplateYaml t) {
    var y = t.keys();
    Optional<List<String>> written = y.strings("command", false);
    Optional<String> shell = y.string("shell");
    if (shell.isPresent() && written.isPresent()) {
      t.error("give either 'command' (a list) or 'shell' (one line), not both");
    }
    Optional<List<String>> command =
        shell.map(line -> List.of("/bin/sh", "-c", line)).or(() -> written);
    Optional<List<Integer>> ports = y.strings("ports", true).map(list -> ports(t, list));
    Optional<ProbeParser.Probe> probe = y.object("probe").flatMap(p -> ProbeParser.read(t, p));
    Optional<ProxySettings> proxy = y.object("proxy").map(p -> ProxyParser.read(t, p));
    return base ->
        new AppSettings(
            command.orElse(base.command()),
            ports.orElse(base.ports()),
            probe.isPresent() ? probe.map(ProbeParser.Probe::probe) : base.probe(),
            // A probe of its own brings its own timing (defaults where unset), never the parent's.
            probe.map(ProbeParser.Probe::health).orElse(base.health()),
            proxy.orElse(base.proxy()));
  }

  private static List<Integer> ports(TemplateYaml t, List<String> raw) {
    List<Integer> ports = new ArrayList<>();
    for (String p : raw) {
      try {
        int port = Integer.parseInt(p);
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
        ports.add(port);
      } catch (NumberFormatException e) {
        t.error("'ports' must be port numbers from 1 to 65535 (got " + p + ")");
      }
    }
    return ports;
  }
}
