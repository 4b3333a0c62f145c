package io.surprisal.stream;

import io.surprisal.event.Event;
import io.surprisal.event.EventReader;
import io.surprisal.event.InvalidEventException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First step of the scoring path: parses raw event bytes in the configured wire format (an {@link
 * EventReader}: JSON, or Avro in the schema-registry framing). A valid event goes on to {@code scorer}
 * as an {@link Event}, with the input's headers (see {@link OutputLimits#copyable}); anything else
 * goes to {@code deadLetters} as the input record itself with the precise reason in its headers
 * ({@link DeadLetterRecords}). Nothing is dropped, and no input can make this throw.
 *
 * <p>Output values are of two types by child (Event, or the dead letter's raw bytes), hence Object.
 */
final class EventValidator implements Processor<byte[], byte[], byte[], Object> {
  private static final String INVALID_EVENT = InvalidEventException.class.getName();

  private final EventReader parser;
  private final String scorer;
  private final String deadLetters;
  private final OutputLimits limits;
  private final DetectorObserver observer;
  private ProcessorContext<byte[], Object> context;

  /**
   * @param parser reads the configured wire format; its own for this task
   * @param observer told the reason of every event sent to dead letters
   */
  EventValidator(EventReader parser, String scorer, String deadLetters, OutputLimits limits,
      DetectorObserver observer) {
    this.observer = observer;
    this.parser = parser;
    this.scorer = scorer;
    this.deadLetters = deadLetters;
    this.limits = limits;
  }

  @Override
  public void init(ProcessorContext<byte[], Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    if (record.key() != null && record.key().length > OutputLimits.MAX_KEY_BYTES) {
      deadLetter(record, INVALID_EVENT, "key has " + record.key().length + " bytes, more than the "
          + OutputLimits.MAX_KEY_BYTES + " allowed");
      return;
    }
    Event event;
    try {
      event = parser.parse(record.value());
    } catch (InvalidEventException e) {
      deadLetter(record, INVALID_EVENT, e.getMessage());
      return;
    } catch (RuntimeException e) {
      // The parser reports every known problem as InvalidEventException; anything else is a bug
      // of ours, and the event must still not be lost.
      deadLetter(record, e.getClass().getName(), "unexpected parser error: " + e);
      return;
    }
    context.forward(
        record.withValue((Object) event).withHeaders(OutputLimits.copyable(record.headers())),
        scorer);
  }

  private void deadLetter(Record<byte[], byte[]> record, String exception, String reason) {
    Record<byte[], byte[]> letter = DeadLetterRecords.of(
        record, context.recordMetadata().orElse(null), exception, reason, limits);
    context.forward(letter, deadLetters);
    observer.eventInvalid(reason);
  }
}
