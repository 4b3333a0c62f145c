package io.surprisal.stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Every source's timestamp: the record's own when it has one (>= 0), else the partition's latest
 * (partition time), else now. Kafka Streams' default extractor throws on a negative timestamp and
 * stops the stream thread; the Java producer never writes one, but other clients can (librdkafka
 * passes any value through, and the broker stores -1 as "no timestamp"). Every record the topology
 * writes carries the extracted timestamp, which is therefore one the broker accepts.
 */
final class RecordTimestamps implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    long timestamp = record.timestamp();
    if (timestamp >= 0) return timestamp;
    return partitionTime >= 0 ? partitionTime : System.currentTimeMillis();
  }
}
