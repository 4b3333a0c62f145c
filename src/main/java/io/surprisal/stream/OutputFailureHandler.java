package io.surprisal.stream;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector's production exception handler (production.exception.handler). A record the
 * producer or broker refuses for what it is — too large, a timestamp outside the broker's window —
 * would be refused again on every retry, so the stream goes on: the input that produced it goes to
 * the dead-letter topic (errors.dead.letter.queue.topic.name) with the refusal in its headers, and
 * Kafka Streams counts the dropped record (its dropped-records metric). Any other error fails as
 * Kafka's default handler does.
 *
 * <p>This rescues at-least-once processing only. Under exactly-once a refused send aborts the
 * producer's transaction whatever the handler answers, which is why the topology never writes such
 * a record in the first place (see {@link OutputLimits} and {@link RecordTimestamps}); this
 * handler is the second line.
 */
public final class OutputFailureHandler implements ProductionExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(OutputFailureHandler.class);

  private String deadLetterTopic;
  private OutputLimits limits;

  @Override
  public void configure(Map<String, ?> configs) {
    Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    deadLetterTopic = topic == null ? null : topic.toString();
    Properties properties = new Properties();
    configs.forEach((key, value) -> {
      if (value != null) properties.put(key, value.toString());
    });
    limits = OutputLimits.from(properties);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (!(exception instanceof RecordTooLargeException
        || exception instanceof InvalidTimestampException)) {
      return Response.fail();
    }
    log.warn("A record for topic {} was refused ({}); its input {}-{}@{} goes to dead letters and"
            + " the stream goes on", record.topic(), exception.getMessage(), context.topic(),
        context.partition(), context.offset());
    if (deadLetterTopic == null || context.sourceRawValue() == null) return Response.resume();
    return Response.resume(
        List.of(DeadLetterRecords.of(deadLetterTopic, context, exception, limits)));
  }
}
