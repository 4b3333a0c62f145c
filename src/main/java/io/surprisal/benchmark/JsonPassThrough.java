package io.surprisal.benchmark;

import io.surprisal.event.EventParser;
import io.surprisal.event.InvalidEventException;
import io.surprisal.event.MessageWriter;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The pass-through of issue 5's throughput benchmark: each event parsed by the detector's own
 * {@link EventParser} and written back as JSON, nothing else. Against it the detector's price is
 * scoring, the score record and the trainer's samples, not JSON handling. A payload the parser
 * refuses is passed on as it came, so every input record still makes one output record.
 */
final class JsonPassThrough implements Processor<byte[], byte[], byte[], byte[]> {
  private final EventParser parser;
  private org.apache.kafka.streams.processor.api.ProcessorContext<byte[], byte[]> context;

  JsonPassThrough(int dimension) {
    this.parser = new EventParser(dimension);
  }

  @Override
  public void init(org.apache.kafka.streams.processor.api.ProcessorContext<byte[], byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    byte[] out;
    try {
      out = MessageWriter.event(parser.parse(record.value()));
    } catch (InvalidEventException e) {
      out = record.value();
    }
    context.forward(record.withValue(out));
  }
}
