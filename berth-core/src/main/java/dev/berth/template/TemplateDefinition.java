package dev.berth.template;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fingerprint of what a session's container, process or pod is made from: its image (the named
 * reference, or which template's Dockerfile builds it), command, ports, user, environment, resource
 * limits, capabilities, workspace path, template volume's mount path, egress policy (a changed
 * policy needs another network or another NetworkPolicy, so the container or pod is made again) and
 * sandbox (another engine runtime or RuntimeClass). Two templates with the same fingerprint make
 * the same container; a session whose recorded fingerprint differs from its template's current one
 * runs an outdated definition, and its next start applies the template as it is now.
 *
 * <p>Computed from the template as the runtimes get it ({@link Template#forSession}), so the
 * session's own base path is part of it and the Docker label and the registry hold the same value.
 * Left out on purpose: what a start does not apply to what exists (a workspace volume's size and
 * class, the project skeleton, which only seeds new workspaces), what Berth reads from the current
 * template at every use anyway (probe, health checks, proxy, lifetime, placement), and an image's
 * content (a rebuilt image is an image update, not a definition change; see {@code berth images}).
 */
public final class TemplateDefinition {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** How many hex digits of the fingerprint people see. */
  public static final int SHORT_LENGTH = 12;

  private TemplateDefinition() {}

  /** The SHA-256 of the definition's canonical JSON, as 64 hex digits. */
  public static String fingerprint(Template t) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("image", t.image().reference().filter(r -> !r.isBlank()).orElse(""));
    d.put("imageBuiltBy", t.image().build().map(ImageBuild::owner).orElse(""));
    d.put("command", t.app().command());
    d.put("ports", t.app().ports());
    d.put("user", t.container().user().orElse(""));
    d.put("env", new TreeMap<>(t.container().env()));
    ResourceLimits r = t.container().resources();
    d.put("cpus", r.cpus());
    d.put("memoryBytes", r.memoryBytes());
    d.put("pids", r.pids());
    d.put("capabilities", t.container().capabilities());
    d.put("workspacePath", t.workspace().path());
    // Only a restricting policy is written, so the fingerprints of templates that allow all (every
    // template made before egress policies existed) stay as they were: no container is recreated
    // just because Berth learned the key.
    if (t.network().egress().restricts()) {
      d.put("egress", EgressPolicy.describe(t.network().egress()));
    }
    // Only when asked for: the default adds nothing, so containers made before the key existed
    // keep their fingerprint and are not all recreated after an upgrade.
    if (t.isolation().sandbox() != Sandbox.RUNC) {
      d.put("sandbox", t.isolation().sandbox().yamlName());
    }
    // Only where there is one (fingerprints of other templates stay as they were). Its mount, not
    // its content: a change of the files gives new sessions a new volume, while a session keeps
    // the copy its container was made with until the container is made again.
    t.workspace().templateVolume().ifPresent(v -> d.put("templateVolume", v.path()));
    // Only when there are any, so a single-container template keeps its fingerprint.
    if (!t.containers().isEmpty()) {
      d.put("containers", t.containers().inStartOrder().stream().map(c -> describe(c)).toList());
    }
    return sha256(d);
  }

  /**
   * The fingerprint of one extra container's definition (a Docker label on it): a start recreates
   * that container alone when it changed.
   */
  public static String fingerprint(Template t, SessionContainer c) {
    Map<String, Object> d = describe(c);
    d.put("mainImage", t.image().reference().filter(r -> !r.isBlank()).orElse(""));
    d.put("mainImageBuiltBy", t.image().build().map(ImageBuild::owner).orElse(""));
    d.put("workspacePath", t.workspace().path());
    return sha256(d);
  }

  private static Map<String, Object> describe(SessionContainer c) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("type", c.type());
    d.put("image", c.image().orElse(""));
    // Only where there is one, so containers made before the key existed keep their fingerprint.
    // Which template builds it, not the build: a rebuild is an image update (see the class
    // comment).
    c.templateImage().ifPresent(i -> d.put("imageBuiltBy", i.owner().orElse("?" + i.template())));
    d.put("command", c.command());
    d.put("env", new TreeMap<>(c.env()));
    d.put("ports", c.ports());
    d.put("user", c.user().orElse(""));
    d.put("cpus", c.resources().cpus());
    d.put("memoryBytes", c.resources().memoryBytes());
    d.put("pids", c.resources().pids());
    d.put("start", c.start().yamlName());
    // The types only: what is waited for of each (after: {a: done}) is read from the template at
    // every start, as a probe is, and changes nothing the container is made of.
    d.put("after", c.afterTypes());
    d.put("subPath", c.subPath());
    d.put("readOnly", c.readOnly());
    return d;
  }

  private static String sha256(Map<String, Object> d) {
    byte[] canonical = JSON.writeValueAsString(d).getBytes(StandardCharsets.UTF_8);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The first {@value #SHORT_LENGTH} hex digits, as listings show it. */
  public static String shortForm(String fingerprint) {
    return fingerprint.length() <= SHORT_LENGTH
        ? fingerprint
        : fingerprint.substring(0, SHORT_LENGTH);
  }
}
