package dev.berth.template;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a template's session container runs under: the engine's ordinary runtime, or gVisor, which
 * puts a user-space kernel between the session's code and the host's kernel (for code nobody has
 * read). Each backend maps it to what it has: a Docker engine runtime, a Kubernetes RuntimeClass; a
 * backend that cannot give it refuses the session before anything is made.
 */
public enum Sandbox {
  /** The engine's default runtime (runc): namespaces, cgroups, dropped capabilities. */
  RUNC,
  /** gVisor ({@code runsc}): the session's system calls go to gVisor's kernel, not the host's. */
  GVISOR;

  /** The name template.yaml uses, {@code runc} or {@code gvisor}. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a template.yaml value; a clear error for anything else. */
  public static Sandbox parse(String text) {
    for (Sandbox s : values()) {
      if (s.yamlName().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "must be one of "
            + Arrays.stream(values()).map(Sandbox::yamlName).collect(Collectors.joining(", "))
            + " (got '"
            + text
            + "')");
  }
}
