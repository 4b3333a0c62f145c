package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The saved model files kept in test resources, one per kind and format version. */
final class SavedModelFiles {
  private SavedModelFiles() {}

  static byte[] read(String resource) throws IOException {
    try (InputStream in = SavedModelFiles.class.getResourceAsStream(resource)) {
      assertThat(in).as("test resource %s", resource).isNotNull();
      return in.readAllBytes();
    }
  }

  /** Regenerates a saved file in the source tree; only the disabled-by-default writers call it. */
  static void write(String resource, PublishedModel model) throws IOException {
    Path file = Path.of("src/test/resources" + resource);
    Files.createDirectories(file.getParent());
    Files.write(file, ModelCodec.encode(model));
  }
}
