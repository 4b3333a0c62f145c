package io.surprisal.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import io.surprisal.event.BitVector;
import io.surprisal.event.Event;
import io.surprisal.event.EventParser;
import io.surprisal.event.InvalidEventException;
import io.surprisal.event.Latent;
import io.surprisal.event.MessageJson;
import io.surprisal.event.MessageWriter;
import io.surprisal.event.Score;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JSON ends of the per-event path at L = 39 and 784, as the stream runs them: reading an event
 * (the token reader, against building the Jackson tree alone, which the former parser did before
 * its checks) and writing its score (the streaming writer, against databind). The event has the
 * generator's form: id, timestamp, sparse or dense features, two attributes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventPathBenchmark {
  @Param({"39", "784"})
  int dimension;

  @Param({"active", "features"})
  String shape;

  private EventParser parser;
  private byte[] payload;
  private Score score;

  @Setup
  public void setUp() {
    parser = new EventParser(dimension);
    BitVector x = Inputs.random(1, dimension, 0.2, 5L)[0];
    StringBuilder json = new StringBuilder("{\"id\":\"b-123456\",\"timestamp\":1764104400000,\"")
        .append(shape).append("\":[");
    if (shape.equals("active")) {
      for (int i = 0; i < x.activeCount(); i++) json.append(i == 0 ? "" : ",").append(x.activeIndex(i));
    } else {
      for (int d = 0; d < dimension; d++) json.append(d == 0 ? "" : ",").append(x.get(d) ? 1 : 0);
    }
    json.append("],\"attributes\":{\"source\":\"generator\",\"sequence\":123456}}");
    payload = json.toString().getBytes(StandardCharsets.UTF_8);
    score = new Score("b-123456", "entity-17", 1764104400000L, true, -23.456789012345,
        -32.70412345, 0.4321, false, 1L, new Latent("17", 0.99987654321));
  }

  @Benchmark
  public Event parse() throws InvalidEventException {
    return parser.parse(payload);
  }

  @Benchmark
  public JsonNode treeOnly() {
    return MessageJson.read(payload, JsonNode.class);
  }

  @Benchmark
  public byte[] writeScore() {
    return MessageWriter.score(score);
  }

  @Benchmark
  public byte[] writeScoreDatabind() {
    return MessageJson.write(score);
  }
}
