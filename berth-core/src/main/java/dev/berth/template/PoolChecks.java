package dev.berth.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Why a template cannot have a warm pool: a member's app starts before its session exists, so it
 * cannot be told the session's public path. An app that must know it (one that keeps the proxy's
 * {@code /s/<id>/} prefix, reads it from a variable, or has it written into its command or probe)
 * would serve the wrong path once claimed; such a template is refused, with what to do instead. An
 * app that is told its path per request ({@code proxy.basePathHeader}) or that knows nothing of it
 * (the default: the proxy strips the prefix) works with a pool.
 */
final class PoolChecks {
  private PoolChecks() {}

  static List<String> problems(Template t) {
    List<String> out = new ArrayList<>();
    if (!t.pool().enabled()) {
      return out;
    }
    String why =
        "template '"
            + t.name()
            + "' has a pool, so its app starts before its session id exists, but it ";
    String fix =
        ": remove 'pool', or let the proxy strip the prefix (the default) and, if the app must"
            + " know its public path, have it read proxy.basePathHeader on each request";
    ProxySettings proxy = t.app().proxy();
    if (proxy.keepPrefix()) {
      out.add(why + "keeps the proxy's /s/<id>/ prefix (proxy.keepPrefix)" + fix);
    }
    proxy
        .basePathEnv()
        .ifPresent(v -> out.add(why + "reads its public path from $" + v + " at start" + fix));
    if (t.app().command().stream().anyMatch(arg -> arg.contains("${BERTH_"))) {
      out.add(why + "writes a session variable (${BERTH_...}) into its command" + fix);
    }
    t.app()
        .probe()
        .filter(p -> p instanceof HealthProbe.Http h && h.path().contains("${"))
        .ifPresent(p -> out.add(why + "probes a path with a session variable in it" + fix));
    return out;
  }
}
