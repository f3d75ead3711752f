package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code berth templates check} and {@code berth doctor} on templates, without a server. */
class TemplatesCliTest {
  @TempDir Path home;

  private record Run(int code, String out, String err) {}

  private Run berth(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    // No server answers there: these commands must not need one.
    Map<String, String> env =
        Map.of("BERTH_HOME", home.toString(), "BERTH_URL", "http://127.0.0.1:1");
    int code = BerthCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private Path template(Path dir, String name, String yaml) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(name));
    return Files.writeString(folder.resolve("template.yaml"), yaml);
  }

  @Test
  void checkSaysOkForEachTemplateOfAGoodDirectoryAndExitsZero() throws IOException {
    Path dir = home.resolve("good");
    template(dir, "app", "command: [sleep, '60']\n");
    template(dir, "child", "parent: app\n");
    Run check = berth("templates", "check", dir.toString());
    assertThat(check.code()).as(check.err()).isZero();
    assertThat(check.out())
        .contains("OK       app")
        .contains("OK       child")
        .contains("OK       default (built in)")
        .doesNotContain("PROBLEM");
  }

  @Test
  void checkNamesTheFileAndWhatToFixAndExitsOne() throws IOException {
    Path dir = home.resolve("bad");
    template(dir, "app", "command: [sleep, '60']\n");
    Path typo = template(dir, "typo", "comand: [sleep, '60']\nports: [http]\n");
    Run check = berth("templates", "check", dir.toString());
    assertThat(check.code()).isEqualTo(1);
    assertThat(check.out())
        .contains("OK       app")
        .contains("PROBLEM  typo  " + typo)
        .contains("unknown key 'comand'")
        .contains("'ports' must be port numbers");
    assertThat(check.err()).contains("1 template does not load; fix what is listed above");
  }

  @Test
  void checkWithoutADirectoryReadsTheConfiguredOneAndAMissingOneIsAnError() throws IOException {
    template(home.resolve("templates"), "mine", "description: in the data directory\n");
    Run check = berth("templates", "check");
    assertThat(check.code()).as(check.err()).isZero();
    assertThat(check.out())
        .contains(home.resolve("templates").toString())
        .contains("OK       mine");

    Run missing = berth("templates", "check", home.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("does not exist");
  }

  @Test
  void doctorListsATemplateThatDoesNotLoad() throws IOException {
    template(home.resolve("templates"), "fine", "description: ok\n");
    Run healthy = berth("doctor");
    assertThat(healthy.out()).contains("templates").contains("load from").contains("fine");
    // No server runs here (a problem of its own); the templates are fine.
    assertThat(healthy.out()).doesNotContainPattern("(?m)^templ.*PROBLEM");

    Path broken = template(home.resolve("templates"), "broken", "probe: {tcp: 80, http: /}\n");
    Run doctor = berth("doctor");
    assertThat(doctor.code()).isEqualTo(1);
    assertThat(doctor.out())
        .contains("template broken")
        .contains("PROBLEM: does not load (" + broken + ")")
        .contains("exactly one of http")
        .contains("berth templates check");
    assertThat(doctor.err()).contains("doctor found 2 problems");
  }
}
