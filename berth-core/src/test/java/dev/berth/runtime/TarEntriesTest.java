package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

class TarEntriesTest {

  @Test
  void directoriesLinksAndFilesAreWhatTheyAre() {
    assertThat(TarEntries.kindOf(new TarArchiveEntry("d/"))).isEqualTo(TarEntries.Kind.DIRECTORY);
    assertThat(TarEntries.kindOf(new TarArchiveEntry("f.txt"))).isEqualTo(TarEntries.Kind.FILE);
    var link = new TarArchiveEntry("l", TarConstants.LF_SYMLINK);
    link.setLinkName("f.txt");
    assertThat(TarEntries.kindOf(link)).isEqualTo(TarEntries.Kind.SYMLINK);
  }

  @Test
  void hardLinksAndSpecialFilesAreRefusedThoughCommonsCompressCallsThemFiles() {
    for (byte type :
        new byte[] {
          TarConstants.LF_LINK, TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO
        }) {
      var entry = new TarArchiveEntry("odd", type);
      assertThatThrownBy(() -> TarEntries.kindOf(entry))
          .isInstanceOf(BerthException.class)
          .hasMessage("archive entry 'odd' is a hard link or special file; not supported")
          .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }
  }

  @Test
  void entriesAreRenamedFromTheBackendsBaseToTheAskedName() {
    // the workspace root: entries named from the root, the root itself skipped (empty)
    assertThat(TarEntries.rename("workspace/", "workspace", "")).isEmpty();
    assertThat(TarEntries.rename("workspace/a/b.txt", "workspace", "")).isEqualTo("a/b.txt");
    assertThat(TarEntries.rename("./", ".", "")).isEmpty();
    assertThat(TarEntries.rename("./a", ".", "")).isEqualTo("a");
    // a path asked for through a link: the real name becomes the asked one
    assertThat(TarEntries.rename("real/", "real", "alias")).isEqualTo("alias/");
    assertThat(TarEntries.rename("real/x", "real", "alias")).isEqualTo("alias/x");
    assertThat(TarEntries.rename("real", "real", "alias")).isEqualTo("alias");
    // a name outside the base is kept under the asked name
    assertThat(TarEntries.rename("other", "real", "alias")).isEqualTo("alias/other");
    assertThat(TarEntries.rename("other", "real", "")).isEqualTo("other");
  }
}
