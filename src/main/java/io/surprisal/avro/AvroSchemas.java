package io.surprisal.avro;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/**
 * The Avro schemas of the wire contract, schemas/*.avsc, read from the classpath where the build
 * puts them: the event schema the detector reads with, the score and alert schemas it writes with.
 */
public final class AvroSchemas {
  public static final Schema EVENT = load("event.avsc");
  public static final Schema SCORE = load("score.avsc");
  public static final Schema ALERT = load("alert.avsc");

  private AvroSchemas() {}

  private static Schema load(String name) {
    String resource = "/schemas/" + name;
    try (InputStream in = AvroSchemas.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(resource + " is not on the classpath");
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
