package io.surprisal.stream;

import io.surprisal.event.DeadLetter;
import io.surprisal.event.Event;
import io.surprisal.event.EventParser;
import io.surprisal.event.InvalidEventException;
import io.surprisal.event.MessageWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * First step of the scoring path: parses raw event bytes. A valid event goes on to {@code scorer}
 * as an {@link Event}; anything else goes to {@code deadLetters} as a {@link DeadLetter} holding
 * the raw payload, where it came from, and the precise reason. Nothing is dropped, and no input can
 * make this throw.
 *
 * <p>Output values are of two types by child (Event, or dead-letter JSON bytes), hence Object.
 */
final class EventValidator implements Processor<byte[], byte[], byte[], Object> {
  private final EventParser parser;
  private final String scorer;
  private final String deadLetters;
  private final DetectorObserver observer;
  private ProcessorContext<byte[], Object> context;

  /** @param observer told the reason of every event sent to dead letters */
  EventValidator(int dimension, String scorer, String deadLetters, DetectorObserver observer) {
    this.observer = observer;
    this.parser = new EventParser(dimension);
    this.scorer = scorer;
    this.deadLetters = deadLetters;
  }

  @Override
  public void init(ProcessorContext<byte[], Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    Event event;
    try {
      event = parser.parse(record.value());
    } catch (InvalidEventException e) {
      context.forward(record.withValue(deadLetter(record, e.getMessage())), deadLetters);
      observer.eventInvalid(e.getMessage());
      return;
    } catch (RuntimeException e) {
      // The parser reports every known problem as InvalidEventException; anything else is a bug
      // of ours, and the event must still not be lost.
      String reason = "unexpected parser error: " + e;
      context.forward(record.withValue(deadLetter(record, reason)), deadLetters);
      observer.eventInvalid(reason);
      return;
    }
    context.forward(record.withValue(event), scorer);
  }

  private byte[] deadLetter(Record<byte[], byte[]> record, String reason) {
    RecordMetadata metadata = context.recordMetadata().orElse(null);
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    return MessageWriter.deadLetter(
        DeadLetter.of(
            record.value(),
            key,
            metadata == null ? null : metadata.topic(),
            metadata == null ? -1 : metadata.partition(),
            metadata == null ? -1 : metadata.offset(),
            reason,
            context.currentSystemTimeMs()));
  }
}
