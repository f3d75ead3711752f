package dev.berth.runtime.provider;

import dev.berth.config.BerthConfig;
import dev.berth.runtime.EgressGate;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What a provider gets to open backends with.
 *
 * @param config the whole configuration (its own settings: {@link BerthConfig#backendSettings}); a
 *     provider reads only its own and the generic ones ({@code prefix}, {@code sharedFiles})
 * @param instance this Berth installation's id, which every resource it makes is labelled with
 * @param out where start-up notices go ({@code backend gpu-box: its engine does not answer})
 * @param egress the egress proxy the server runs for sessions with an allow list ({@link
 *     EgressGate#NONE} without a server)
 * @param tmpDir where the backends spool files on the manager's side (archives being checked,
 *     writes, re-packed tars): the data directory's {@code tmp}, never the host's shared {@code
 *     /tmp} (see {@link dev.berth.runtime.SpoolDir})
 */
public record BackendContext(
    BerthConfig config, String instance, PrintStream out, EgressGate egress, Path tmpDir) {

  /** A context without an egress proxy (a CLI command, a test), spooling in the data directory. */
  public BackendContext(BerthConfig config, String instance, PrintStream out) {
    this(config, instance, out, EgressGate.NONE, config.tmpDir());
  }
}
