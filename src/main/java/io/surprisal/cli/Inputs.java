package io.surprisal.cli;

import io.surprisal.dataset.Dataset;
import io.surprisal.dataset.DatasetReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Reads the offline commands' input files, with a progress line on stderr for each. */
final class Inputs {
  private Inputs() {}

  /**
   * @param option the option that named the file, for messages
   * @param progress where the progress lines go (the command's stderr)
   */
  static Dataset read(
      String option, Path file, String label, Integer dimension, PrintWriter progress)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(option + " " + file + " is not a readable file");
    }
    progress.printf("Reading %s%n", file);
    long started = System.nanoTime();
    Dataset dataset = DatasetReader.read(file, label, dimension);
    progress.printf(Locale.ROOT, "Read %,d rows of %d bits (%d labelled anomalous) in %.1f s%n",
        dataset.size(), dataset.dimension(), dataset.anomalies(),
        (System.nanoTime() - started) / 1e9);
    return dataset;
  }
}
