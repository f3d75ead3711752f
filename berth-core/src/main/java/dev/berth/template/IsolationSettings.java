package dev.berth.template;

/**
 * How strongly a template's sessions are boxed in, beyond the hardening every container gets. Read
 * from {@code sandbox} by {@link IsolationParser}.
 *
 * @param sandbox what the session container runs under; {@link Sandbox#RUNC} unless the template
 *     asks for {@code gvisor}
 */
public record IsolationSettings(Sandbox sandbox) {

  /** The engine's ordinary runtime. */
  public static final IsolationSettings DEFAULT = new IsolationSettings(Sandbox.RUNC);

  public IsolationSettings {
    if (sandbox == null) {
      throw new IllegalArgumentException("sandbox is required");
    }
  }

  public IsolationSettings withSandbox(Sandbox newSandbox) {
    return new IsolationSettings(newSandbox);
  }
}
