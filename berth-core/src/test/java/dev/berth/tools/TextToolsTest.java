package dev.berth.tools;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

class TextToolsTest {
  @Test
  void editsApplyInOrderAndAllOrNothing() {
    var result =
        TextEdits.apply(
            "a = 1\nb = 2\nc = 1\n",
            List.of(new FileEdit("b = 2", "b = 3", false), new FileEdit("= 1", "= 9", true)));
    assertThat(result.text()).isEqualTo("a = 9\nb = 3\nc = 9\n");
    assertThat(result.replacements()).isEqualTo(3);
  }

  @Test
  void ambiguousOrMissingMatchesFailWithTheCount() {
    assertThatThrownBy(() -> TextEdits.apply("x x x", List.of(new FileEdit("x", "y", false))))
        .hasMessageContaining("matches 3 times")
        .hasMessageContaining("replace_all");
    assertThatThrownBy(
            () ->
                TextEdits.apply(
                    "abc", List.of(new FileEdit("a", "A", false), new FileEdit("zzz", "y", false))))
        .hasMessageContaining("edit 2")
        .hasMessageContaining("not found");
    assertThatThrownBy(() -> TextEdits.apply("abc", List.of()))
        .hasMessageContaining("at least one");
    assertThatThrownBy(() -> TextEdits.apply("abc", List.of(new FileEdit("", "y", false))))
        .hasMessageContaining("empty");
  }

  @Test
  void binariesAreRefusedAndWindowsCountLines() {
    assertThatThrownBy(() -> TextFiles.decode("img.png", new byte[] {(byte) 0x89, 'P', 0, 1}))
        .hasMessageContaining("'img.png' is a binary file");
    var w = TextFiles.window("1\n2\n3\n4\n5\n", 1, 2);
    assertThat(w.text()).isEqualTo("2\n3\n");
    assertThat(w.firstLine()).isEqualTo(2);
    assertThat(w.lastLine()).isEqualTo(3);
    assertThat(w.totalLines()).isEqualTo(5);
    assertThat(w.truncated()).isTrue();
    var all = TextFiles.window("only", 0, 10);
    assertThat(all.text()).isEqualTo("only");
    assertThat(all.truncated()).isFalse();
  }

  @Test
  void searchFindsLinesHonoursTheGlobSkipsBinariesAndStopsAtTheLimit() throws IOException {
    var tar = new ByteArrayOutputStream();
    try (var out = new TarArchiveOutputStream(tar)) {
      add(out, "src/a.py", "import os\nprint('TODO one')\n");
      add(out, "src/b.txt", "TODO two\n");
      add(out, "src/c.bin", "TODO\u0000binary");
      add(out, "src/d.py", "x = 1  # TODO three\nTODO four\n");
    }
    var all = new WorkspaceSearch("TODO", Optional.empty(), 10).scan(in(tar), "");
    assertThat(all.matches())
        .extracting(WorkspaceSearch.Match::toString)
        .containsExactly(
            "src/a.py:2:print('TODO one')",
            "src/b.txt:1:TODO two",
            "src/d.py:1:x = 1  # TODO three",
            "src/d.py:2:TODO four");
    assertThat(all.filesSkipped()).isEqualTo(1);
    var py = new WorkspaceSearch("TODO", Optional.of("*.py"), 10).scan(in(tar), "proj");
    assertThat(py.matches())
        .extracting(WorkspaceSearch.Match::path)
        .containsOnly("proj/src/a.py", "proj/src/d.py");
    var limited = new WorkspaceSearch("TODO", Optional.empty(), 2).scan(in(tar), "");
    assertThat(limited.matches()).hasSize(2);
    assertThat(limited.truncated()).isTrue();
    assertThatThrownBy(() -> new WorkspaceSearch("(", Optional.empty(), 1))
        .hasMessageContaining("invalid regular expression");
  }

  @Test
  void searchShowsContextGroupsCountsAndHonoursAGitignoreThatComesLater() throws IOException {
    var tar = new ByteArrayOutputStream();
    try (var out = new TarArchiveOutputStream(tar)) {
      add(out, "p/gen/out.py", "hit\n");
      add(out, "p/a.py", "1\nhit\n3\n4\n5\n6\nhit\nhit\n9\n");
      add(out, "p/.gitignore", "gen/\n");
    }
    var options =
        new WorkspaceSearch.Options(
            "p", WorkspaceSearch.OutputMode.CONTENT, 1, false, false, java.util.Map.of());
    var r = new WorkspaceSearch("hit", Optional.empty(), 10, options).scan(in(tar), "");
    assertThat(r.matches())
        .extracting(WorkspaceSearch.Match::toString)
        .containsExactly(
            "p/a.py-1-1",
            "p/a.py:2:hit",
            "p/a.py-3-3",
            "--",
            "p/a.py-6-6",
            "p/a.py:7:hit",
            "p/a.py:8:hit",
            "p/a.py-9-9");
    assertThat(r.filesIgnored())
        .as("gen/ is ignored though its .gitignore came after")
        .isEqualTo(1);
    var count =
        new WorkspaceSearch(
                "HIT",
                Optional.of("*.py"),
                10,
                new WorkspaceSearch.Options(
                    "p", WorkspaceSearch.OutputMode.COUNT, 0, true, true, java.util.Map.of()))
            .scan(in(tar), "");
    assertThat(count.files())
        .extracting(f -> f.path() + ":" + f.matchingLines())
        .containsExactly("p/gen/out.py:1", "p/a.py:3");
    var phantom = new WorkspaceSearch("^$", Optional.empty(), 10).scan(in(tar), "");
    assertThat(phantom.matches()).as("no empty line after a trailing newline").isEmpty();
  }

  @Test
  void searchIsLinearTimeAndBoundedInTimeAndBytes() throws IOException {
    var tar = new ByteArrayOutputStream();
    try (var out = new TarArchiveOutputStream(tar)) {
      add(out, "data.txt", "a".repeat(80) + "\nkey=value\n");
    }
    // Backtracks for minutes with java.util.regex; RE2 answers at once.
    long start = System.nanoTime();
    var found =
        new WorkspaceSearch("(.*)(.*)(.*)(.*)(.*)(.*)=", Optional.empty(), 10).scan(in(tar), "");
    assertThat(found.matches()).extracting(WorkspaceSearch.Match::line).containsExactly(2);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

    assertThatThrownBy(
            () ->
                new WorkspaceSearch("x", Optional.empty(), 10, Duration.ZERO, 1 << 20)
                    .scan(in(tar), ""))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("search stopped after 0 ms, the limit for one search")
        .extracting(e -> ((BerthException) e).code())
        .isEqualTo(ErrorCode.TIMEOUT);
    assertThatThrownBy(
            () ->
                new WorkspaceSearch("x", Optional.empty(), 10, Duration.ofSeconds(5), 10)
                    .scan(in(tar), ""))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("MiB of text, the limit for one search")
        .extracting(e -> ((BerthException) e).code())
        .isEqualTo(ErrorCode.TOO_LARGE);
    // RE2 syntax: a backreference is refused as a bad pattern, not silently misread
    assertThatThrownBy(() -> new WorkspaceSearch("(a)\\1", Optional.empty(), 1))
        .hasMessageContaining("invalid regular expression");
  }

  private static ByteArrayInputStream in(ByteArrayOutputStream tar) {
    return new ByteArrayInputStream(tar.toByteArray());
  }

  private static void add(TarArchiveOutputStream out, String name, String content)
      throws IOException {
    byte[] bytes = content.getBytes(UTF_8);
    var e = new TarArchiveEntry(name);
    e.setSize(bytes.length);
    out.putArchiveEntry(e);
    out.write(bytes);
    out.closeArchiveEntry();
  }
}
