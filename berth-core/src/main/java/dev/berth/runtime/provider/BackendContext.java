package dev.berth.runtime.provider;

import dev.berth.config.BerthConfig;
import java.io.PrintStream;

/**
 * What a provider gets to open backends with.
 *
 * @param config the whole configuration (its own settings: {@link BerthConfig#backendSettings}); a
 *     provider reads only its own and the generic ones ({@code prefix}, {@code sharedFiles})
 * @param instance this Berth installation's id, which every resource it makes is labelled with
 * @param out where start-up notices go ({@code backend gpu-box: its engine does not answer})
 */
public record BackendContext(BerthConfig config, String instance, PrintStream out) {}
