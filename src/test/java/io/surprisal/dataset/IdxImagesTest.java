package io.surprisal.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surprisal.event.BitVector;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class IdxImagesTest {

  /** Writes IDX images (rows × columns pixels each) and labels, gzipped, as MNIST ships them. */
  public static void write(Path images, Path labels, int rows, int columns, int[][] pixels, int[] classes)
      throws IOException {
    try (DataOutputStream out =
        new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(images)))) {
      out.writeInt(2051);
      out.writeInt(pixels.length);
      out.writeInt(rows);
      out.writeInt(columns);
      for (int[] image : pixels) for (int p : image) out.writeByte(p);
    }
    try (DataOutputStream out =
        new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(labels)))) {
      out.writeInt(2049);
      out.writeInt(classes.length);
      for (int c : classes) out.writeByte(c);
    }
  }

  @Test
  void shouldSetTheBitsOfPixelsAtOrAboveTheCutAndKeepTheLabels(@TempDir Path dir) throws Exception {
    Path images = dir.resolve("i.gz");
    Path labels = dir.resolve("l.gz");
    write(images, labels, 2, 2, new int[][] {{0, 127, 128, 255}, {200, 0, 0, 129}}, new int[] {7, 3});
    IdxImages.Labelled read = IdxImages.read(images, labels, 128);
    assertThat(read.dimension()).isEqualTo(4);
    assertThat(read.images()).containsExactly(BitVector.ofActive(4, 2, 3), BitVector.ofActive(4, 0, 3));
    assertThat(read.classes()).containsExactly(7, 3);
  }

  @Test
  void shouldRefuseSwappedFilesByTheirMagicNumber(@TempDir Path dir) throws Exception {
    Path images = dir.resolve("i.gz");
    Path labels = dir.resolve("l.gz");
    write(images, labels, 1, 1, new int[][] {{1}}, new int[] {0});
    assertThatThrownBy(() -> IdxImages.read(labels, images, 128))
        .hasMessage("l.gz starts with magic number 2049, expected 2051");
  }

  @Test
  void shouldRefuseAFileShorterThanItsDeclaredCount(@TempDir Path dir) throws Exception {
    Path images = dir.resolve("i.gz");
    Path labels = dir.resolve("l.gz");
    write(images, labels, 1, 2, new int[][] {{1}}, new int[] {0});
    assertThatThrownBy(() -> IdxImages.read(images, labels, 128))
        .hasMessage("i.gz ends before the images it declares");
  }
}
