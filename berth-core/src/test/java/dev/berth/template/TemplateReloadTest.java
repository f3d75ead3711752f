package dev.berth.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a templates directory that has broken templates in it, and reading it again. */
class TemplateReloadTest {
  @TempDir Path dir;

  private void template(String name, String yaml) throws IOException {
    Files.createDirectories(dir.resolve(name));
    Files.writeString(dir.resolve(name).resolve("template.yaml"), yaml);
  }

  @Test
  void aBrokenTemplateIsReportedWithItsFileAndSkippedAndTheOthersLoad() throws IOException {
    template("good", "command: [sleep, '60']\n");
    template("typo", "comand: [sleep, '60']\n");
    template("child", "parent: typo\n");
    template("orphan", "parent: ghost\n");

    TemplateLoad load = TemplateLoader.loadReporting(dir);

    assertThat(load.catalog().names()).containsExactly("default", "good");
    assertThat(load.problems())
        .extracting(TemplateProblem::template)
        .containsExactly("child", "orphan", "typo");
    TemplateProblem typo = load.problems().get(2);
    assertThat(typo.file()).isEqualTo(dir.resolve("typo/template.yaml"));
    assertThat(typo.message()).contains("unknown key 'comand'").contains("known keys");
    assertThat(load.problems().get(0).message())
        .contains("builds on parent 'typo', which does not load");
    assertThat(load.problems().get(1).message()).contains("names parent 'ghost'");
  }

  @Test
  void aReloadPicksUpNewAndEditedTemplatesAndSaysWhatChanged() throws IOException {
    template("app", "command: [sleep, '60']\n");
    var templates = new ReloadingTemplates(dir, Clock.systemUTC());
    assertThat(templates.current().names()).containsExactly("app", "default");

    template("app", "command: [sleep, '120']\n");
    template("fresh", "description: new\n");
    TemplateReload report = templates.reload();

    assertThat(report.added()).containsExactly("fresh");
    assertThat(report.changed()).containsExactly("app");
    assertThat(report.skipped()).isEmpty();
    assertThat(templates.current().get("app").app().command()).containsExactly("sleep", "120");
    assertThat(templates.current().get("fresh").description()).isEqualTo("new");
  }

  @Test
  void aTemplateThatBreaksKeepsItsLastGoodVersionAndOneThatIsRemovedGoes() throws IOException {
    template("app", "command: [sleep, '60']\n");
    template("other", "description: other\n");
    var templates = new ReloadingTemplates(dir, Clock.systemUTC());

    template("app", "command: [sleep, '60'\n"); // not YAML any more
    Files.delete(dir.resolve("other/template.yaml"));
    TemplateReload report = templates.reload();

    assertThat(report.kept()).containsExactly("app");
    assertThat(report.skipped()).extracting(TemplateProblem::template).containsExactly("app");
    assertThat(report.skipped().get(0).message()).contains("not valid YAML");
    assertThat(report.removed()).containsExactly("other");
    assertThat(templates.current().get("app").app().command())
        .as("its sessions keep the version they were made from")
        .containsExactly("sleep", "60");
    assertThat(templates.problems()).extracting(TemplateProblem::template).containsExactly("app");

    template("app", "command: [sleep, '90']\n");
    assertThat(templates.reload().skipped()).isEmpty();
    assertThat(templates.problems()).isEmpty();
    assertThat(templates.current().get("app").app().command()).containsExactly("sleep", "90");
  }

  @Test
  void aBrokenTemplateAtTheFirstReadIsReportedAndNotFatal() throws IOException {
    template("good", "description: fine\n");
    template("bad", "ports: [http]\n");
    var templates = new ReloadingTemplates(dir, Clock.systemUTC());
    assertThat(templates.current().names()).containsExactly("default", "good");
    assertThat(templates.problems()).extracting(TemplateProblem::template).containsExactly("bad");
  }

  @Test
  void aFileChangeReloadsTheTemplatesWithoutAnyCall() throws IOException {
    template("app", "command: [sleep, '60']\n");
    var templates = new ReloadingTemplates(dir, Clock.systemUTC());
    try (var watcher = TemplateWatcher.start(templates, Duration.ofMillis(100))) {
      template("app", "command: [sleep, '61']\n");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> templates.current().get("app").app().command(), c -> c.contains("61"));

      template("later", "description: a folder made after the watch began\n");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> templates.current().names().contains("later"));
      // a folder made after the watch began is watched too
      template("later", "description: edited\n");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> templates.current().get("later").description(), d -> d.equals("edited"));

      template("later", "description: [broken\n");
      await().atMost(Duration.ofSeconds(10)).until(() -> !templates.problems().isEmpty());
      assertThat(templates.current().get("later").description()).isEqualTo("edited");
      assertThat(templates.problems())
          .extracting(TemplateProblem::template)
          .isEqualTo(List.of("later"));
    }
  }
}
