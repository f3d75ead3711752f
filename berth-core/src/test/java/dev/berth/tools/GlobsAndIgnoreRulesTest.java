package dev.berth.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import java.util.List;
import org.junit.jupiter.api.Test;

class GlobsAndIgnoreRulesTest {
  @Test
  void doubleStarCrossesDirectoriesAndMatchesNoneToo() {
    Globs.Glob g = Globs.compile("src/**/*.java");
    assertThat(g.matches("src/A.java")).isTrue();
    assertThat(g.matches("src/a/b/A.java")).isTrue();
    assertThat(g.matches("test/A.java")).isFalse();
    assertThat(g.matches("src/A.javax")).isFalse();
    assertThat(Globs.compile("**/*.ts").matches("a.ts")).isTrue();
    assertThat(Globs.compile("**").matches("a/b/c")).isTrue();
  }

  @Test
  void aGlobWithoutASlashMatchesNamesAtAnyDepthAndStarStaysInASegment() {
    assertThat(Globs.compile("*.py").matches("a/b/c.py")).isTrue();
    assertThat(Globs.compile("a/*.py").matches("a/b/c.py")).isFalse();
    assertThat(Globs.compile("a/*.py").matches("a/c.py")).isTrue();
    assertThat(Globs.compile("*.{js,ts}").matches("x/y.ts")).isTrue();
    assertThat(Globs.compile("file?.[ch]").matches("file1.c")).isTrue();
    assertThat(Globs.compile("file?.[!c]").matches("file1.c")).isFalse();
    assertThat(Globs.compile("a.b").matches("axb")).as("a dot is a dot").isFalse();
  }

  @Test
  void aBrokenGlobIsABadRequestThatNamesIt() {
    assertThatThrownBy(() -> Globs.compile("src/{a,b"))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("invalid glob 'src/{a,b'");
  }

  @Test
  void ignoreRulesFollowGit() {
    var rules = new IgnoreRules();
    rules.add("", "# build output\nbuild/\n*.log\n!keep.log\n/top.txt\n");
    rules.add("web", "dist\n");
    assertThat(rules.ignored("build/x.py", false)).isTrue();
    assertThat(rules.ignored("a/build/x.py", false)).as("a dir rule matches at any depth").isTrue();
    assertThat(rules.ignored("build", false)).as("build/ is for directories only").isFalse();
    assertThat(rules.ignored("x/run.log", false)).isTrue();
    assertThat(rules.ignored("keep.log", false)).as("! re-includes").isFalse();
    assertThat(rules.ignored("top.txt", false)).isTrue();
    assertThat(rules.ignored("a/top.txt", false)).as("a leading / anchors").isFalse();
    assertThat(rules.ignored("web/dist/app.js", false)).isTrue();
    assertThat(rules.ignored("dist/app.js", false)).as("web's rule is web's").isFalse();
    assertThat(rules.ignored("node_modules/x/i.js", false)).isTrue();
    assertThat(rules.ignored("a/.git/HEAD", false)).isTrue();
    assertThat(rules.ignored("src/main.py", false)).isFalse();
  }

  @Test
  void linesHaveNoPhantomLineAfterATrailingNewline() {
    assertThat(TextFiles.lines("a\nb\n")).containsExactly("a", "b");
    assertThat(TextFiles.lines("a\r\nb")).containsExactly("a", "b");
    assertThat(TextFiles.lines("\n")).containsExactly("");
    assertThat(TextFiles.lines("")).isEmpty();
  }

  @Test
  void numberedLinesAreBoundedPerLineAndInAll() {
    var w = TextFiles.numbered("a\n" + "b".repeat(50) + "\nc\nd\n", 2, 10, 10, 40);
    assertThat(w.text()).isEqualTo("     2\tbbbbbbbbbb [line cut: 40 more characters]\n");
    assertThat(w.cutLines()).isEqualTo(1);
    assertThat(w.stoppedAtSize()).isTrue();
    assertThat(w.lastLine()).isEqualTo(2);
    assertThat(w.more()).isTrue();
    var past = TextFiles.numbered("a\n", 5, 10, 10, 100);
    assertThat(past.lastLine()).isLessThan(past.firstLine());
    assertThat(past.totalLines()).isEqualTo(1);
  }

  @Test
  void changedShowsTheEditedRegionNumberedWithContext() {
    String before = String.join("\n", List.of("1", "2", "3", "4", "5", "6", "7", "8")) + "\n";
    String after = before.replace("5\n", "five\n");
    assertThat(TextEdits.changed(before, after, 1, 10))
        .isEqualTo("     4\t4\n     5\tfive\n     6\t6\n");
    String removed = before.replace("5\n", "");
    assertThat(TextEdits.changed(before, removed, 1, 10)).isEqualTo("     4\t4\n     5\t6\n");
    var edited = TextEdits.apply(before, List.of(new FileEdit("2", "two", false)));
    assertThat(edited.changed(0, 1)).isEqualTo("     2\ttwo\n");
  }
}
