package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatLineTest {

  @Test
  void aFileHasItsSizeAndTime() {
    assertThat(StatLine.parse("81a4 12 1700000000", "a/b.txt"))
        .isEqualTo(
            new FileEntry("a/b.txt", FileEntry.Type.FILE, 12, Instant.ofEpochSecond(1700000000)));
  }

  @Test
  void directoriesLinksAndOthersReportNoSize() {
    assertThat(StatLine.parse("41ed 4096 1", "d").type()).isEqualTo(FileEntry.Type.DIRECTORY);
    assertThat(StatLine.parse("41ed 4096 1", "d").size()).isZero();
    assertThat(StatLine.parse("a1ff 7 1", "l").type()).isEqualTo(FileEntry.Type.SYMLINK);
    assertThat(StatLine.parse("a1ff 7 1", "l").size()).isZero();
    assertThat(StatLine.parse("11a4 0 1", "fifo").type()).isEqualTo(FileEntry.Type.OTHER);
    assertThat(StatLine.parse("21a4 0 1", "chr").type()).isEqualTo(FileEntry.Type.OTHER);
  }

  @Test
  void fieldsAfterTheThirdAndSurroundingSpaceAreIgnored() {
    assertThat(StatLine.parse(" 81a4 3 5 /w/name with spaces\n", "x"))
        .isEqualTo(new FileEntry("x", FileEntry.Type.FILE, 3, Instant.ofEpochSecond(5)));
    assertThat(StatLine.entry("81a4", "3", "5", "y").size()).isEqualTo(3);
  }

  @Test
  void aLineInAnotherFormatIsANumberFormatException() {
    assertThatThrownBy(() -> StatLine.parse("81a4 3", "x"))
        .isInstanceOf(NumberFormatException.class);
    assertThatThrownBy(() -> StatLine.parse("mode 3 5", "x"))
        .isInstanceOf(NumberFormatException.class);
  }
}
