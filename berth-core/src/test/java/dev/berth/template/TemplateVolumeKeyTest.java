package dev.berth.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code templateVolume} key: read, inherited, checked, hashed, part of the definition. */
class TemplateVolumeKeyTest {
  @TempDir Path dir;

  private Path template(String name, String yaml) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(name));
    Files.writeString(folder.resolve("template.yaml"), yaml);
    return folder;
  }

  private List<String> problemsOf(String name) {
    return TemplateLoader.loadReporting(dir).problems().stream()
        .filter(p -> p.template().equals(name))
        .flatMap(p -> p.errors().stream())
        .toList();
  }

  @Test
  void isReadAsAnAbsoluteFolderAndInherited() throws IOException {
    Path pipeline = template("pipeline", "templateVolume: {path: /template/, from: files/}\n");
    Files.createDirectories(pipeline.resolve("files"));
    template("child", "parent: pipeline\n");
    template("plain", "command: [sleep, '60']\n");
    var loaded = TemplateLoader.load(dir);
    TemplateVolume expected =
        new TemplateVolume("/template", pipeline.resolve("files").toAbsolutePath());
    assertThat(loaded.get("pipeline").workspace().templateVolume()).contains(expected);
    assertThat(loaded.get("child").workspace().templateVolume())
        .as("a child uses its parent's files")
        .contains(expected);
    assertThat(loaded.get("plain").workspace().templateVolume()).isEmpty();
  }

  @Test
  void eachMistakeIsNamed() throws IOException {
    Path a = template("relative", "templateVolume: {path: template, from: files}\n");
    Files.createDirectories(a.resolve("files"));
    template("missing", "templateVolume: {path: /template, from: nope/}\n");
    template("escapes", "templateVolume: {path: /template, from: ../relative/files}\n");
    template("absolute", "templateVolume: {path: /template, from: /etc}\n");
    template("itself", "templateVolume: {path: /template, from: ./}\n");
    template("dotdot", "templateVolume: {path: /x/../workspace, from: files}\n");
    template("nopath", "templateVolume: {from: files}\n");
    template("scalar", "templateVolume: /template\n");
    template("unknown", "templateVolume: {path: /t, from: f, mode: rw}\n");
    assertThat(problemsOf("relative"))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("'templateVolume.path' must be an absolute path (got template)");
    assertThat(problemsOf("missing"))
        .anyMatch(e -> e.contains("nope") && e.contains("does not exist"));
    assertThat(problemsOf("escapes")).anyMatch(e -> e.contains("must not contain '..'"));
    assertThat(problemsOf("absolute"))
        .anyMatch(e -> e.contains("relative to the template's folder, not an absolute path"));
    assertThat(problemsOf("itself")).anyMatch(e -> e.contains("not the folder itself"));
    assertThat(problemsOf("dotdot"))
        .anyMatch(e -> e.contains("'templateVolume.path' must not contain '..'"));
    assertThat(problemsOf("nopath")).anyMatch(e -> e.contains("'templateVolume.path' is required"));
    assertThat(problemsOf("scalar"))
        .anyMatch(e -> e.contains("templateVolume: expected a mapping"));
    assertThat(problemsOf("unknown")).anyMatch(e -> e.contains("mode"));
  }

  @Test
  void mayNotBeTheWorkspaceOrInsideIt() throws IOException {
    Files.createDirectories(
        template("same", "templateVolume: {path: /workspace, from: files}\n").resolve("files"));
    Files.createDirectories(
        template("inside", "workspace: /home/me\ntemplateVolume: {path: /home/me/t, from: files}\n")
            .resolve("files"));
    Files.createDirectories(
        template("around", "workspace: /data/ws\ntemplateVolume: {path: /data, from: files}\n")
            .resolve("files"));
    // A child that moves its workspace onto the inherited mount is caught after inheritance.
    Files.createDirectories(
        template("base", "templateVolume: {path: /template, from: files}\n").resolve("files"));
    template("moved", "parent: base\nworkspace: /template\n");
    assertThat(problemsOf("same")).anyMatch(e -> e.contains("/workspace is the workspace path"));
    assertThat(problemsOf("inside")).anyMatch(e -> e.contains("are inside each other"));
    assertThat(problemsOf("around")).anyMatch(e -> e.contains("are inside each other"));
    assertThat(problemsOf("moved")).anyMatch(e -> e.contains("is the workspace path"));
    assertThat(problemsOf("base")).isEmpty();
  }

  @Test
  void theHashFollowsNamesBytesAndTheExecutableBitButNotTimes() throws IOException {
    Path files = Files.createDirectories(dir.resolve("files"));
    Files.writeString(files.resolve("a.txt"), "one");
    Files.createDirectories(files.resolve("sub"));
    Files.writeString(files.resolve("sub/b.txt"), "two");
    String first = TemplateVolumeContent.hash(files);
    assertThat(first).hasSize(64);
    Files.setLastModifiedTime(
        files.resolve("a.txt"), java.nio.file.attribute.FileTime.fromMillis(0));
    assertThat(TemplateVolumeContent.hash(files)).isEqualTo(first);
    Files.writeString(files.resolve("a.txt"), "uno");
    String second = TemplateVolumeContent.hash(files);
    assertThat(second).isNotEqualTo(first);
    files.resolve("sub/b.txt").toFile().setExecutable(true);
    assertThat(TemplateVolumeContent.hash(files)).isNotEqualTo(second);
    Files.createDirectories(files.resolve("empty"));
    assertThat(TemplateVolumeContent.entries(files))
        .extracting(TemplateVolumeContent.Entry::relative)
        .containsExactly("a.txt", "empty", "sub", "sub/b.txt");
    assertThat(TemplateVolumeContent.totalBytes(files)).isEqualTo(6);
  }

  @Test
  void itsMountPathIsPartOfTheDefinitionAndTemplatesWithoutOneKeepTheirs() {
    Template base = Template.builder("app").command(List.of("sleep", "60")).build();
    String plain = TemplateDefinition.fingerprint(base);
    Template with = base.toBuilder().templateVolume("/template", dir).build();
    assertThat(TemplateDefinition.fingerprint(with)).isNotEqualTo(plain);
    assertThat(
            TemplateDefinition.fingerprint(
                base.toBuilder().templateVolume("/template", dir.resolve("other")).build()))
        .as("the folder's content decides the volume, not the definition")
        .isEqualTo(TemplateDefinition.fingerprint(with));
    assertThat(base.workspace().templateVolume()).isEqualTo(Optional.empty());
    assertThat(plain).isEqualTo("b2d9ab9919508e0becf3db9f0796d9220472812a85cc7ab5cb6108930bd1b19b");
  }
}
