package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BoundedPipeTest {

  @Test
  void bytesPassInOrderThroughARingMuchSmallerThanThem() throws Exception {
    var pipe = new BoundedPipe(1000);
    byte[] data = new byte[1 << 20];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + i / 997);
    }
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    for (int off = 0; off < data.length; off += 777) {
                      pipe.write(data, off, Math.min(777, data.length - off));
                    }
                    pipe.end();
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                });
    var got = new ByteArrayOutputStream();
    InputStream in = pipe.input();
    byte[] chunk = new byte[313];
    for (int n; (n = in.read(chunk)) >= 0; ) {
      assertThat(in.available()).isLessThanOrEqualTo(1000);
      got.write(chunk, 0, n);
    }
    writer.join();
    assertThat(got.toByteArray()).isEqualTo(data);
  }

  @Test
  void aFailureComesAfterWhatWasQueued() throws Exception {
    var pipe = new BoundedPipe(16);
    pipe.write(new byte[] {1, 2, 3}, 0, 3);
    pipe.fail(new IOException("broken"));
    InputStream in = pipe.input();
    assertThat(in.readNBytes(3)).containsExactly(1, 2, 3);
    assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("broken");
  }

  @Test
  void aWriterIsNotHeldOnceTheReaderHasClosed() throws Exception {
    var pipe = new BoundedPipe(4);
    pipe.write(new byte[4], 0, 4); // full
    pipe.input().close();
    pipe.write(new byte[1000], 0, 1000); // dropped, not blocked
    assertThatThrownBy(pipe.input()::read).isInstanceOf(IOException.class);
  }
}
