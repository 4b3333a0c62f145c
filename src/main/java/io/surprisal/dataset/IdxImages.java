package io.surprisal.dataset;

import io.surprisal.event.BitVector;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads images and their class labels from the IDX files MNIST and Fashion-MNIST ship in (gzip
 * read transparently), binarizing each pixel: a value at or above the cut becomes a set bit.
 *
 * <p>Layout, big-endian: images are magic 2051, count, rows, columns, then count·rows·columns
 * unsigned bytes, row by row; labels are magic 2049, count, then count unsigned bytes.
 */
public final class IdxImages {
  private static final int IMAGES_MAGIC = 2051;
  private static final int LABELS_MAGIC = 2049;

  private IdxImages() {}

  /** Binarized images with their classes, in file order; {@code classes[i]} is image i's label. */
  public record Labelled(int dimension, List<BitVector> images, int[] classes) {}

  /**
   * @param cut pixel values at or above it are 1, in 1..255
   * @throws IllegalArgumentException when a file's magic number or counts are wrong, or it is short
   */
  public static Labelled read(Path imagesFile, Path labelsFile, int cut) throws IOException {
    if (cut < 1 || cut > 255) {
      throw new IllegalArgumentException("pixel cut must be in 1..255, got " + cut);
    }
    List<BitVector> images = readImages(imagesFile, cut);
    int[] classes = readLabels(labelsFile);
    if (classes.length != images.size()) {
      throw new IllegalArgumentException(labelsFile.getFileName() + " has " + classes.length
          + " labels, " + imagesFile.getFileName() + " has " + images.size() + " images");
    }
    return new Labelled(images.get(0).dimension(), images, classes);
  }

  private static List<BitVector> readImages(Path file, int cut) throws IOException {
    String source = file.getFileName().toString();
    try (DataInputStream in = new DataInputStream(DatasetReader.openBytes(file))) {
      requireMagic(in.readInt(), IMAGES_MAGIC, source);
      int count = in.readInt();
      int dimension = in.readInt() * in.readInt();
      if (count < 1 || dimension < 1) {
        throw new IllegalArgumentException(
            source + " declares " + count + " images of " + dimension + " pixels");
      }
      List<BitVector> images = new ArrayList<>(count);
      byte[] pixels = new byte[dimension];
      int[] active = new int[dimension];
      for (int i = 0; i < count; i++) {
        in.readFully(pixels);
        int n = 0;
        for (int d = 0; d < dimension; d++) {
          if ((pixels[d] & 0xff) >= cut) active[n++] = d;
        }
        images.add(BitVector.ofActive(dimension, Arrays.copyOf(active, n)));
      }
      return images;
    } catch (EOFException e) {
      throw new IllegalArgumentException(source + " ends before the images it declares");
    }
  }

  private static int[] readLabels(Path file) throws IOException {
    String source = file.getFileName().toString();
    try (DataInputStream in = new DataInputStream(DatasetReader.openBytes(file))) {
      requireMagic(in.readInt(), LABELS_MAGIC, source);
      int[] labels = new int[in.readInt()];
      for (int i = 0; i < labels.length; i++) labels[i] = in.readUnsignedByte();
      return labels;
    } catch (EOFException e) {
      throw new IllegalArgumentException(source + " ends before the labels it declares");
    }
  }

  private static void requireMagic(int magic, int expected, String source) {
    if (magic != expected) {
      throw new IllegalArgumentException(
          source + " starts with magic number " + magic + ", expected " + expected);
    }
  }
}
