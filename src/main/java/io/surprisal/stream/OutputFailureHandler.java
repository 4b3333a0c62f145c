package io.surprisal.stream;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector's production exception handler (production.exception.handler). A record the
 * producer or broker refuses for what it is — too large for the topic, a timestamp outside the
 * broker's window — would be refused again on every retry, so the stream goes on without it: the
 * record is dropped, Kafka Streams counts it (its task-level dropped-records metric,
 * kafka_stream_task_dropped_records_total), and one line names the topic that refused it and the
 * input it came from, by topic, partition and offset, from where it can be read again. Any other
 * error fails as Kafka's default handler does.
 *
 * <p>It does not return dead-letter records: Kafka Streams sends those from the producer's own
 * network thread, which then waits on itself for the dead-letter topic's metadata until
 * max.block.ms and fails the stream (seen with Kafka Streams 4.4 whenever nothing had been written
 * to that topic before).
 *
 * <p>This rescues at-least-once processing only. Under exactly-once a refused send aborts the
 * producer's transaction whatever the handler answers, which is why the topology never writes such
 * a record in the first place (see {@link OutputLimits} and {@link RecordTimestamps}); this
 * handler is the second line.
 */
public final class OutputFailureHandler implements ProductionExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(OutputFailureHandler.class);

  @Override
  public void configure(Map<String, ?> configs) {}

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (!(exception instanceof RecordTooLargeException
        || exception instanceof InvalidTimestampException)) {
      return Response.fail();
    }
    log.warn("A record for topic {} was refused and dropped ({}); the stream goes on. It came"
            + " from {}-{}@{}", record.topic(), exception.getMessage(), context.topic(),
        context.partition(), context.offset());
    return Response.resume();
  }
}
