package dev.berth.runtime.provider;

import dev.berth.config.BerthConfig;
import dev.berth.runtime.EgressGate;
import java.io.PrintStream;

/**
 * What a provider gets to open backends with.
 *
 * @param config the whole configuration (its own settings: {@link BerthConfig#backendSettings}); a
 *     provider reads only its own and the generic ones ({@code prefix}, {@code sharedFiles})
 * @param instance this Berth installation's id, which every resource it makes is labelled with
 * @param out where start-up notices go ({@code backend gpu-box: its engine does not answer})
 * @param egress the egress proxy the server runs for sessions with an allow list ({@link
 *     EgressGate#NONE} without a server)
 */
public record BackendContext(
    BerthConfig config, String instance, PrintStream out, EgressGate egress) {

  /** A context without an egress proxy (a CLI command, a test). */
  public BackendContext(BerthConfig config, String instance, PrintStream out) {
    this(config, instance, out, EgressGate.NONE);
  }
}
