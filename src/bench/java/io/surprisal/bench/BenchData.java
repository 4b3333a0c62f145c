package io.surprisal.bench;

import io.surprisal.dataset.Dataset;
import io.surprisal.dataset.DatasetReader;
import io.surprisal.dataset.IdxImages;
import io.surprisal.event.BitVector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The data options the side-by-side benchmarks share (a picocli mixin), and the two protocols of
 * {@code evaluate} and {@code one-class} they read: a labelled file split by a seeded shuffle, or
 * Fashion-MNIST with one class as normal.
 */
final class BenchData {
  @Option(names = "--train", description = "Labelled CSV/JSONL, split with --split-fraction.")
  Path trainFile;

  @Option(names = "--split-fraction", defaultValue = "0.7")
  double splitFraction;

  @Option(names = "--label-column", defaultValue = "anomaly")
  String labelColumn;

  @Option(names = "--images-dir", description = "IDX image files: run the one-class protocol.")
  Path imagesDir;

  @Option(names = "--classes", split = ",", defaultValue = "0,1,2,3,4,5,6,7,8,9")
  List<Integer> classes;

  @Option(names = "--seed", defaultValue = "42")
  long seed;

  /** Training rows (labels ignored), test rows and their labels. */
  record Task(List<BitVector> train, List<BitVector> test, boolean[] anomalous) {}

  /** One class's task: its training images as normal, every test image, another class anomalous. */
  record ClassTask(int label, Task task) {}

  boolean oneClass() {
    return imagesDir != null;
  }

  String dataName() {
    return trainFile.getFileName().toString();
  }

  Task split() throws IOException {
    Dataset.Split split =
        DatasetReader.read(trainFile, labelColumn, null).split(splitFraction, seed);
    boolean[] anomalous = new boolean[split.test().size()];
    for (int i = 0; i < anomalous.length; i++) {
      anomalous[i] = split.test().rows().get(i).anomalous();
    }
    return new Task(split.train().vectors(), split.test().vectors(), anomalous);
  }

  List<ClassTask> classTasks() throws IOException {
    IdxImages.Labelled train = IdxImages.read(imagesDir.resolve("train-images-idx3-ubyte.gz"),
        imagesDir.resolve("train-labels-idx1-ubyte.gz"), 128);
    IdxImages.Labelled test = IdxImages.read(imagesDir.resolve("t10k-images-idx3-ubyte.gz"),
        imagesDir.resolve("t10k-labels-idx1-ubyte.gz"), 128);
    List<ClassTask> tasks = new ArrayList<>();
    for (int c : classes) {
      List<BitVector> normal = new ArrayList<>();
      for (int i = 0; i < train.classes().length; i++) {
        if (train.classes()[i] == c) normal.add(train.images().get(i));
      }
      boolean[] anomalous = new boolean[test.classes().length];
      for (int i = 0; i < anomalous.length; i++) anomalous[i] = test.classes()[i] != c;
      tasks.add(new ClassTask(c, new Task(normal, test.images(), anomalous)));
    }
    return tasks;
  }
}
