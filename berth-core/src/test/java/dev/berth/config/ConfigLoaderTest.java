package dev.berth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  /**
   * Stand-ins for the backend kinds of the berth program, without keys of their own: the loader's
   * messages list their names (the kinds' own keys are tested in their modules).
   */
  static final List<BackendSettingsParser> KINDS =
      List.of(kind("kubernetes", true), kind("local", false), kind("docker", true));

  @TempDir Path home;

  static BackendSettingsParser kind(String name, boolean named) {
    return new BackendSettingsParser() {
      @Override
      public String kind() {
        return name;
      }

      @Override
      public Map<String, String> keys() {
        return Map.of();
      }

      @Override
      public boolean namedBackends() {
        return named;
      }

      @Override
      public void check(BackendSettings settings, List<String> errors) {}
    };
  }

  @Test
  void defaultsNeedNoFile() {
    var c = ConfigLoader.load(home, Map.of(), Map.of(), KINDS);
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(7780);
    assertThat(c.backend()).isEqualTo("auto");
    assertThat(c.prefix()).isEqualTo("berth");
    assertThat(c.templatesDir()).isEqualTo(home.resolve("templates"));
    assertThat(c.maxFileBytes()).isEqualTo(64L << 20);
    assertThat(c.baseUrl()).isEqualTo("http://127.0.0.1:7780");
    assertThat(c.sharedFiles()).isEqualTo(home.resolve("templates/files"));
    assertThat(c.sharedFilesMount()).isEqualTo("/files");
  }

  @Test
  void sharedFilesPathAndMount() {
    var c =
        ConfigLoader.load(
            home,
            Map.of("BERTH_SHARED_FILES", "data/shared", "BERTH_SHARED_FILES_MOUNT", "/srv/"),
            Map.of(),
            KINDS);
    assertThat(c.sharedFiles()).isEqualTo(home.resolve("data/shared"));
    assertThat(c.sharedFilesMount()).isEqualTo("/srv");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    home, Map.of("BERTH_SHARED_FILES_MOUNT", "files"), Map.of(), KINDS))
        .hasMessageContaining("BERTH_SHARED_FILES_MOUNT='files': must be an absolute path");
  }

  @Test
  void fileThenEnvironmentThenFlags() throws IOException {
    Files.writeString(home.resolve("berth.yaml"), "port: 8000\nbackend: local\nexecTimeout: 2m\n");
    var fromFile = ConfigLoader.load(home, Map.of(), Map.of(), KINDS);
    assertThat(fromFile.port()).isEqualTo(8000);
    assertThat(fromFile.execTimeout()).isEqualTo(Duration.ofMinutes(2));
    var fromEnv =
        ConfigLoader.load(
            home, Map.of("BERTH_PORT", "8100", "BERTH_MAX_FILE_BYTES", "1k"), Map.of(), KINDS);
    assertThat(fromEnv.port()).isEqualTo(8100);
    assertThat(fromEnv.maxFileBytes()).isEqualTo(1024);
    var fromFlag =
        ConfigLoader.load(home, Map.of("BERTH_PORT", "8100"), Map.of("port", "8200"), KINDS);
    assertThat(fromFlag.port()).isEqualTo(8200);
  }

  @Test
  void unknownKeysAndBadValuesNameTheKeyAndItsSource() throws IOException {
    Files.writeString(home.resolve("berth.yaml"), "prot: 1\nbackend: cloud\n");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    home, Map.of("BERTH_PORT", "lots", "BERTH_NOPE", "1"), Map.of(), KINDS))
        .hasMessageContaining("unknown key 'prot'")
        .hasMessageContaining("backend")
        .hasMessageContaining("must be one of [auto, local, docker, kubernetes]")
        .hasMessageContaining("BERTH_PORT='lots'")
        .hasMessageContaining("unknown environment variable BERTH_NOPE");
  }

  @Test
  void theRegistryIsSqliteOrPostgresAndSecretsAreNeverEchoed() {
    assertThat(ConfigLoader.load(home, Map.of(), Map.of(), KINDS).registry()).isEqualTo("sqlite");
    var pg =
        ConfigLoader.load(
            home,
            Map.of(
                "BERTH_REGISTRY", "jdbc:postgresql://db:5432/berth?user=berth",
                "BERTH_REGISTRY_PASSWORD", "s3cret"),
            Map.of(),
            KINDS);
    assertThat(pg.registry()).startsWith("jdbc:postgresql://db");
    assertThat(pg.registryPassword()).isEqualTo("s3cret");
    assertThat(pg.toString()).doesNotContain("s3cret");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    home,
                    Map.of("BERTH_REGISTRY", "postgres://u:s3cret@db/berth"),
                    Map.of(),
                    KINDS))
        .hasMessageContaining("BERTH_REGISTRY='<hidden>'")
        .hasMessageContaining("jdbc:postgresql://")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void namedBackendsAreReadAndCheckedAndTheDefaultMayNameOne() throws IOException {
    Files.writeString(
        home.resolve("berth.yaml"),
        """
        backend: gpu-box
        backends:
          gpu-box: {kind: docker, host: "tcp://10.0.0.7:2376", tlsVerify: true, certPath: /c}
          k8s-prod: {kind: kubernetes, namespace: berth}
        """);
    var c = ConfigLoader.load(home, Map.of(), Map.of(), KINDS);
    assertThat(c.backend()).isEqualTo("gpu-box");
    assertThat(c.backends()).extracting(BackendSpec::name).containsExactly("gpu-box", "k8s-prod");
    assertThat(c.backends().get(0).setting("host")).hasValue("tcp://10.0.0.7:2376");
    assertThat(c.backends().get(0).settings()).doesNotContainKey("kind");

    Files.writeString(
        home.resolve("berth.yaml"),
        """
        backend: elsewhere
        backends:
          docker: {kind: docker}
          local: {kind: docker}
          Bad_Name: {kind: docker}
          nokind: {host: x}
          nested: {kind: docker, host: {a: 1}}
        """);
    assertThatThrownBy(() -> ConfigLoader.load(home, Map.of(), Map.of(), KINDS))
        .hasMessageContaining("backends.docker: 'docker' is built in")
        .hasMessageContaining("backends.local.kind: unknown setting; the local backend takes []")
        .hasMessageContaining("backends.Bad_Name: a backend name is")
        .hasMessageContaining("backends.nokind.kind: must be one of [docker, kubernetes]")
        .hasMessageContaining("backends.nested.host: must be a single value")
        .hasMessageContaining("backend")
        .hasMessageContaining("'elsewhere'");
  }

  /** The local kind as berth-local declares it: two keys of its own, no named backends. */
  private static final List<BackendSettingsParser> WITH_LOCAL_KEYS =
      List.of(
          new BackendSettingsParser() {
            @Override
            public String kind() {
              return "local";
            }

            @Override
            public Map<String, String> keys() {
              var keys = new java.util.LinkedHashMap<String, String>();
              keys.put("localEnabled", "true");
              keys.put("localSessionTokens", "false");
              return keys;
            }
          },
          kind("docker", true));

  @Test
  void theLocalBackendsOwnSettingsMayBeWrittenUnderBackends() throws IOException {
    Files.writeString(
        home.resolve("berth.yaml"), "backends:\n  local: {enabled: false, sessionTokens: true}\n");
    var c = ConfigLoader.load(home, Map.of(), Map.of(), WITH_LOCAL_KEYS);
    assertThat(c.backendSettings("local").values())
        .containsEntry("localEnabled", "false")
        .containsEntry("localSessionTokens", "true");
    assertThat(c.backendSettings("local").sources().get("localEnabled"))
        .endsWith("berth.yaml: backends.local.enabled");
    assertThat(c.backends()).as("not a named backend").isEmpty();

    var fromEnv =
        ConfigLoader.load(home, Map.of("BERTH_LOCAL_ENABLED", "true"), Map.of(), WITH_LOCAL_KEYS);
    assertThat(fromEnv.backendSettings("local").raw("localEnabled")).isEqualTo("true");

    Files.writeString(home.resolve("berth.yaml"), "backends:\n  local: {enable: false}\n");
    assertThatThrownBy(() -> ConfigLoader.load(home, Map.of(), Map.of(), WITH_LOCAL_KEYS))
        .hasMessageContaining(
            "backends.local.enable: unknown setting; the local backend takes [enabled,"
                + " sessionTokens]");
  }

  @Test
  void clientVariablesAreNotServerConfiguration() {
    var c =
        ConfigLoader.load(
            home, Map.of("BERTH_URL", "http://x", "BERTH_TOKEN", "t"), Map.of(), KINDS);
    assertThat(c.port()).isEqualTo(7780);
  }

  @Test
  void envNamesFollowTheKeys() {
    assertThat(ConfigLoader.envName("execMaxOutputBytes")).isEqualTo("BERTH_EXEC_MAX_OUTPUT_BYTES");
  }

  @Test
  void publicUrlAndAppsDomainAreReadNormalizedAndChecked() throws IOException {
    var unset = ConfigLoader.load(home, Map.of(), Map.of(), KINDS);
    assertThat(unset.publicUrl()).isEmpty();
    assertThat(unset.appsDomain()).isEmpty();
    Files.writeString(
        home.resolve("berth.yaml"),
        "publicUrl: https://Berth.Example.org/\nappsDomain: Apps.Example.org\n");
    var set = ConfigLoader.load(home, Map.of(), Map.of(), KINDS);
    assertThat(set.publicUrl()).isEqualTo("https://berth.example.org");
    assertThat(set.appsDomain()).isEqualTo("apps.example.org");
    var fromEnv =
        ConfigLoader.load(
            home,
            Map.of("BERTH_PUBLIC_URL", "http://berth.test:8443", "BERTH_APPS_DOMAIN", "localhost"),
            Map.of(),
            KINDS);
    assertThat(fromEnv.publicUrl()).isEqualTo("http://berth.test:8443");
    assertThat(fromEnv.appsDomain()).isEqualTo("localhost");
  }

  @Test
  void aBadPublicUrlOrAppsDomainIsAStartUpErrorThatSaysWhatToFix() {
    for (var bad :
        Map.of(
                "berth.example.org", "must start with https:// or http://",
                "ftp://berth.example.org", "must start with https:// or http://",
                "https://berth.example.org/berth", "no path, query or fragment",
                "https://berth.example.org?x=1", "no path, query or fragment",
                "https://user@berth.example.org", "no user name",
                "https://", "such as https://berth.example.org")
            .entrySet()) {
      assertThatThrownBy(
              () ->
                  ConfigLoader.load(
                      home, Map.of("BERTH_PUBLIC_URL", bad.getKey()), Map.of(), KINDS))
          .as(bad.getKey())
          .hasMessageContaining("BERTH_PUBLIC_URL='" + bad.getKey() + "'")
          .hasMessageContaining(bad.getValue());
    }
    for (var bad :
        Map.of(
                "https://apps.example.org", "must be a DNS name",
                "apps.example.org:8080", "must be a DNS name",
                "apps..example.org", "must be a DNS name",
                "apps_example.org", "must be a DNS name",
                "*.apps.example.org", "not a wildcard")
            .entrySet()) {
      assertThatThrownBy(
              () ->
                  ConfigLoader.load(
                      home, Map.of("BERTH_APPS_DOMAIN", bad.getKey()), Map.of(), KINDS))
          .as(bad.getKey())
          .hasMessageContaining("BERTH_APPS_DOMAIN='" + bad.getKey() + "'")
          .hasMessageContaining(bad.getValue());
    }
    // Berth's own host under the apps domain would be taken for a session's.
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    home,
                    Map.of(
                        "BERTH_PUBLIC_URL",
                        "https://berth.example.org",
                        "BERTH_APPS_DOMAIN",
                        "example.org"),
                    Map.of(),
                    KINDS))
        .hasMessageContaining("publicUrl's host berth.example.org is under appsDomain example.org")
        .hasMessageContaining("apps.berth.example.org");
  }

  @Test
  void trustedProxiesAreNobodyByDefaultAndAddressesOrRangesWhenSet() throws IOException {
    var unset = ConfigLoader.load(home, Map.of(), Map.of(), KINDS);
    assertThat(unset.trustedProxies().isEmpty()).isTrue();
    assertThat(unset.trustedProxies().trusts("127.0.0.1")).isFalse();
    Files.writeString(home.resolve("berth.yaml"), "trustedProxies: 10.1.0.0/16, ::1, 192.0.2.7\n");
    var set = ConfigLoader.load(home, Map.of(), Map.of(), KINDS).trustedProxies();
    assertThat(set.trusts("10.1.200.3")).isTrue();
    assertThat(set.trusts("10.2.0.1")).isFalse();
    assertThat(set.trusts("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(set.trusts("[::1]")).isTrue();
    assertThat(set.trusts("192.0.2.7")).isTrue();
    assertThat(set.trusts("192.0.2.8")).isFalse();
    assertThat(set.trusts("localhost")).as("names are never resolved").isFalse();
    assertThat(TrustedProxies.parse("10.0.0.0/9").trusts("10.127.255.255")).isTrue();
    assertThat(TrustedProxies.parse("10.0.0.0/9").trusts("10.128.0.0")).isFalse();
    assertThat(TrustedProxies.parse("0.0.0.0/0").trusts("203.0.113.1")).isTrue();
    for (var bad :
        Map.of(
                "proxy.example.org", "not an IP address or range",
                "10.0.0.0/33", "prefix length must be a number from 0 to 32",
                "::1/129", "from 0 to 128",
                "10.0.0.0/x", "prefix length",
                "999.1.1.1", "not an IP address")
            .entrySet()) {
      assertThatThrownBy(
              () ->
                  ConfigLoader.load(
                      home, Map.of("BERTH_TRUSTED_PROXIES", bad.getKey()), Map.of(), KINDS))
          .as(bad.getKey())
          .hasMessageContaining("BERTH_TRUSTED_PROXIES='" + bad.getKey() + "'")
          .hasMessageContaining(bad.getValue());
    }
  }
}
