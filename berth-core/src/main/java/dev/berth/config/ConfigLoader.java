package dev.berth.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Builds the one {@link BerthConfig}: built-in defaults, then {@code <home>/berth.yaml}, then
 * {@code BERTH_*} environment variables, then command-line flags. Every key has one name in YAML
 * (camelCase) and one in the environment ({@code BERTH_} + UPPER_SNAKE). Unknown keys and bad
 * values are errors that name the key and where it came from.
 *
 * <p>The loader parses the generic keys itself. The keys of each backend kind are declared by that
 * kind's {@link BackendSettingsParser}: the loader accepts them, lets the kind check their values
 * (so that a bad one stops start-up with every other error), and hands them over unparsed.
 */
public final class ConfigLoader {
  /** Environment variables read by the CLI client and the launcher, not the server config. */
  public static final Set<String> CLIENT_ENV =
      Set.of("BERTH_URL", "BERTH_TOKEN", "BERTH_HOME", "BERTH_LOG_LEVEL");

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("host", "127.0.0.1");
    DEFAULTS.put("port", "7780");
    DEFAULTS.put("backend", "auto");
    DEFAULTS.put("templatesDir", "");
    DEFAULTS.put("prefix", "berth");
    DEFAULTS.put("maxFileBytes", "64m");
    DEFAULTS.put("maxRequestBytes", "256m");
    DEFAULTS.put("maxMcpRequestBytes", "16m");
    DEFAULTS.put("mcpSessionIdleTimeout", "30m");
    DEFAULTS.put("mcpMaxSessionsPerToken", "100");
    DEFAULTS.put("execTimeout", "60s");
    DEFAULTS.put("execMaxTimeout", "1h");
    DEFAULTS.put("execMaxOutputBytes", "1m");
    DEFAULTS.put("stopGrace", "10s");
    DEFAULTS.put("orphanGrace", "10m");
    DEFAULTS.put("registry", "sqlite");
    DEFAULTS.put("registryPassword", "");
    DEFAULTS.put("sharedFiles", "");
    DEFAULTS.put("sharedFilesMount", "/files");
    DEFAULTS.put("reconcileInterval", "5s");
    DEFAULTS.put("publicUrl", "");
    DEFAULTS.put("appsDomain", "");
    DEFAULTS.put("trustedProxies", "");
  }

  private ConfigLoader() {}

  /** The data directory: {@code BERTH_HOME}, else {@code ~/.berth}. */
  public static Path home(Map<String, String> env) {
    String fromEnv = env.get("BERTH_HOME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv).toAbsolutePath().normalize();
    }
    return Path.of(System.getProperty("user.home"), ".berth");
  }

  public static String envName(String key) {
    return "BERTH_" + key.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  /**
   * Loads the configuration.
   *
   * @param home the data directory (see {@link #home})
   * @param env the process environment
   * @param flags values from command-line flags, by YAML key; they win over everything
   * @param kinds the backend kinds of this build (their keys, names and checks)
   */
  public static BerthConfig load(
      Path home,
      Map<String, String> env,
      Map<String, String> flags,
      Collection<? extends BackendSettingsParser> kinds) {
    var known = new BackendKinds(kinds);
    Map<String, String> defaults = new LinkedHashMap<>(DEFAULTS);
    known.keys(DEFAULTS.keySet()).forEach(defaults::put);
    List<String> errors = new ArrayList<>();
    Map<String, String> values = new LinkedHashMap<>(defaults);
    Map<String, String> source = new LinkedHashMap<>();
    defaults.keySet().forEach(k -> source.put(k, "default " + k));

    Path yamlFile = home.resolve("berth.yaml");
    List<BackendSpec> backends = new ArrayList<>();
    if (Files.isRegularFile(yamlFile)) {
      readYaml(yamlFile, defaults, known, values, source, errors, backends);
    }
    Map<String, String> byEnvName = new LinkedHashMap<>();
    defaults.keySet().forEach(k -> byEnvName.put(envName(k), k));
    env.forEach(
        (name, value) -> {
          if (!name.startsWith("BERTH_") || CLIENT_ENV.contains(name)) {
            return;
          }
          String key = byEnvName.get(name);
          if (key == null) {
            errors.add("unknown environment variable " + name + "; known: " + byEnvName.keySet());
          } else {
            values.put(key, value);
            source.put(key, name);
          }
        });
    flags.forEach(
        (key, value) -> {
          values.put(key, value);
          source.put(key, "--" + key);
        });

    var p = new Parsed(values, source, errors);
    List<String> backendNames = new ArrayList<>(List.of("auto"));
    backendNames.addAll(known.names());
    backends.forEach(b -> backendNames.add(b.name()));
    String backend =
        p.get("backend", v -> ValueParsers.oneOf(v, backendNames.toArray(String[]::new)));
    String host = p.get("host", ValueParsers::nonBlank);
    int port = p.get("port", v -> intIn(v, 0, 65535));
    String templates = values.get("templatesDir");
    Path templatesDir =
        templates.isBlank() ? home.resolve("templates") : home.resolve(templates).normalize();
    String prefix = p.get("prefix", ConfigLoader::prefix);
    long maxFile = p.get("maxFileBytes", ConfigLoader::positiveSize);
    long maxRequest = p.get("maxRequestBytes", ConfigLoader::positiveSize);
    long maxMcpRequest = p.get("maxMcpRequestBytes", ConfigLoader::positiveSize);
    Duration mcpIdle = p.get("mcpSessionIdleTimeout", ConfigLoader::positiveDuration);
    int mcpMaxSessions = p.get("mcpMaxSessionsPerToken", v -> intIn(v, 1, 1_000_000));
    Duration execTimeout = p.get("execTimeout", ConfigLoader::positiveDuration);
    Duration execMax = p.get("execMaxTimeout", ConfigLoader::positiveDuration);
    long execOut = p.get("execMaxOutputBytes", ConfigLoader::positiveSize);
    Duration stopGrace = p.get("stopGrace", Units::parseDuration);
    Duration orphanGrace = p.get("orphanGrace", Units::parseDuration);
    String registry = p.get("registry", ConfigLoader::registry);
    String shared = values.get("sharedFiles");
    Path sharedFiles =
        shared.isBlank() ? templatesDir.resolve("files") : home.resolve(shared).normalize();
    String sharedFilesMount = p.get("sharedFilesMount", ConfigLoader::mountPath);
    Map<String, BackendSettings> backendSettings = known.settings(values, source, errors);
    Duration reconcileInterval = p.get("reconcileInterval", ConfigLoader::positiveDuration);
    String publicUrl = p.get("publicUrl", ConfigLoader::publicUrl);
    String appsDomain = p.get("appsDomain", ConfigLoader::appsDomain);
    TrustedProxies trustedProxies = p.get("trustedProxies", TrustedProxies::parse);
    if (!publicUrl.isEmpty() && !appsDomain.isEmpty()) {
      String publicHost = java.net.URI.create(publicUrl).getHost().toLowerCase(Locale.ROOT);
      if (publicHost.endsWith("." + appsDomain)) {
        errors.add(
            "publicUrl's host "
                + publicHost
                + " is under appsDomain "
                + appsDomain
                + ", where every host is a session's: give the apps a domain of their own"
                + " (such as apps."
                + publicHost
                + ")");
      }
    }
    if (maxMcpRequest > Integer.MAX_VALUE - 8) {
      errors.add("maxMcpRequestBytes must be below 2g");
    }
    if (execOut > Integer.MAX_VALUE) {
      errors.add("execMaxOutputBytes must be below 2g");
    }
    if (errors.isEmpty() && execTimeout.compareTo(execMax) > 0) {
      errors.add(
          "execTimeout (" + execTimeout + ") is longer than execMaxTimeout (" + execMax + ")");
    }
    StrictObject.throwIfErrors("invalid configuration", errors);
    return new BerthConfig(
        home,
        host,
        port,
        backend,
        templatesDir,
        prefix,
        maxFile,
        maxRequest,
        maxMcpRequest,
        execTimeout,
        execMax,
        (int) execOut,
        stopGrace,
        orphanGrace,
        registry,
        values.get("registryPassword"),
        backends,
        sharedFiles,
        sharedFilesMount,
        backendSettings,
        reconcileInterval,
        publicUrl,
        appsDomain,
        trustedProxies,
        mcpIdle,
        mcpMaxSessions);
  }

  private static String registry(String v) {
    if (v.equals("sqlite") || v.startsWith("jdbc:postgresql://")) {
      return v;
    }
    throw new IllegalArgumentException(
        "must be 'sqlite' (the file berth.db in the data directory) or a jdbc:postgresql:// URL");
  }

  private static void readYaml(
      Path file,
      Map<String, String> defaults,
      BackendKinds known,
      Map<String, String> values,
      Map<String, String> source,
      List<String> errors,
      List<BackendSpec> backends) {
    JsonNode root;
    try {
      root = YAMLMapper.builder().build().readTree(file.toFile());
    } catch (RuntimeException e) {
      errors.add(file + ": not valid YAML: " + e.getMessage());
      return;
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return;
    }
    if (!root.isObject()) {
      errors.add(file + ": expected a mapping of keys to values");
      return;
    }
    for (var entry : root.properties()) {
      String key = entry.getKey();
      if (key.equals("backends")) {
        backends.addAll(
            BackendSpecs.read(
                file + ": backends", entry.getValue(), known, errors, values, source));
      } else if (!defaults.containsKey(key)) {
        errors.add(file + ": unknown key '" + key + "'; known keys: " + defaults.keySet());
      } else if (!entry.getValue().isValueNode()) {
        errors.add(file + ": '" + key + "' must be a single value");
      } else {
        values.put(key, entry.getValue().asString());
        source.put(key, file + ": " + key);
      }
    }
  }

  /** Parses values one by one, turning each failure into an error that names its source. */
  private record Parsed(
      Map<String, String> values, Map<String, String> source, List<String> errors) {
    <T> T get(String key, Function<String, T> parser) {
      try {
        return parser.apply(values.get(key));
      } catch (RuntimeException e) {
        // Registry URLs and passwords may hold secrets: never echo them.
        String shown = key.startsWith("registry") ? "<hidden>" : values.get(key);
        errors.add(source.get(key) + "='" + shown + "': " + e.getMessage());
        return parser.apply(DEFAULTS.get(key));
      }
    }
  }

  /** An absolute http(s) URL of scheme, host and port only; returned without a trailing slash. */
  private static String publicUrl(String v) {
    String url = v.strip();
    if (url.isEmpty()) {
      return "";
    }
    java.net.URI uri;
    try {
      uri = new java.net.URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(
          "must be the address browsers use for Berth, such as https://berth.example.org ("
              + e.getReason()
              + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "must start with https:// or http://, such as https://berth.example.org");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "must name a host, such as https://berth.example.org (no user name)");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!path.isEmpty() && !path.equals("/")
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "must be scheme, host and port only, such as https://berth.example.org: Berth serves"
              + " at the root of its address (no path, query or fragment)");
    }
    return scheme
        + "://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  /** A DNS name whose subdomains are sessions' hosts; lowercased. */
  private static String appsDomain(String v) {
    String domain = v.strip().toLowerCase(Locale.ROOT);
    if (domain.isEmpty()) {
      return "";
    }
    if (domain.startsWith("*.")) {
      throw new IllegalArgumentException(
          "write the domain itself (" + domain.substring(2) + "), not a wildcard");
    }
    String label = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
    if (domain.length() > 200 || !domain.matches(label + "(\\." + label + ")*")) {
      throw new IllegalArgumentException(
          "must be a DNS name such as apps.example.org (labels of a-z, 0-9 and '-', separated by"
              + " dots; no scheme, port or path)");
    }
    return domain;
  }

  private static int intIn(String v, int min, int max) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
  }

  private static String mountPath(String v) {
    if (!v.startsWith("/") || v.equals("/") || v.contains("..")) {
      throw new IllegalArgumentException("must be an absolute path below / inside containers");
    }
    return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
  }

  private static String prefix(String v) {
    if (!v.matches("[a-z][a-z0-9]{0,11}")) {
      throw new IllegalArgumentException("must be 1-12 characters of a-z and 0-9, starting a-z");
    }
    return v;
  }

  private static long positiveSize(String v) {
    long n = Units.parseSize(v);
    if (n <= 0) {
      throw new IllegalArgumentException("must be more than 0");
    }
    return n;
  }

  private static Duration positiveDuration(String v) {
    Duration d = Units.parseDuration(v);
    if (d.isZero()) {
      throw new IllegalArgumentException("must be more than 0");
    }
    return d;
  }
}
