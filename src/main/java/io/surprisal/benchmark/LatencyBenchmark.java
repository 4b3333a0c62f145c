package io.surprisal.benchmark;

import io.surprisal.generate.EventGenerator;
import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.TopicAdmin;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import io.surprisal.stream.DetectorObserver;
import io.surprisal.stream.DetectorService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event latency through the running detector at a steady offered rate: the time from handing an
 * event to the producer to its score being readable by a {@code read_committed} consumer, which is
 * what a downstream service waits for (with exactly-once, scores become visible only when the
 * transaction that wrote them commits, so the commit interval is part of it).
 *
 * <p>The window is sized so the trainer refits during the run. Each event is classed by when it
 * was sent: <em>during a retrain</em> if a fit was running then (the fit thread competes with the
 * stream threads for the cores), <em>steady</em> if no fit ran from 2 s before it was sent until it
 * was scored, and the first seconds (warm-up) are left out of both.
 */
public final class LatencyBenchmark {
  private static final Logger log = LoggerFactory.getLogger(LatencyBenchmark.class);
  /** Left out of the steady class: JIT, first commits, first fetches. */
  private static final long WARMUP_NANOS = Duration.ofSeconds(5).toNanos();
  /** A fit's end is followed by a model swap and a burst of catch-up: not steady yet. */
  private static final long AFTER_FIT_NANOS = Duration.ofSeconds(2).toNanos();

  /** p50, p99 and the largest latency of one class of events, in milliseconds. */
  public record Percentiles(int events, double p50Millis, double p99Millis, double maxMillis) {
    static Percentiles of(long[] nanos) {
      if (nanos.length == 0) return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN);
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      return new Percentiles(sorted.length, millis(quantile(sorted, 0.50)),
          millis(quantile(sorted, 0.99)), millis(sorted[sorted.length - 1]));
    }

    /** The nearest-rank quantile: the smallest value with at least a share p at or below it. */
    static long quantile(long[] sorted, double p) {
      int rank = (int) Math.ceil(p * sorted.length);
      return sorted[Math.max(0, rank - 1)];
    }

    private static double millis(long nanos) {
      return nanos / 1e6;
    }
  }

  /** One fit of the trainer during the run, in seconds since the run's first event. */
  public record Fit(double startSecond, double endSecond, String result) {}

  /**
   * @param offeredEventsPerSecond the rate the producer keeps to
   * @param steady events sent with no fit running nearby
   * @param duringRetrain events sent while a fit was running
   * @param scoredEvents scores read back of the events sent
   */
  public record Result(int offeredEventsPerSecond, int seconds, int sentEvents, int scoredEvents,
      Percentiles steady, Percentiles duringRetrain, List<Fit> fits) {}

  private final String bootstrap;

  public LatencyBenchmark(String bootstrapServers) {
    this.bootstrap = bootstrapServers;
  }

  /**
   * Runs the detector configured by {@code detectorProperties} (its model already on the models
   * topic), offers it {@code rate} events/s from {@code generator} for {@code seconds} seconds, and
   * waits for every score.
   */
  public Result run(Properties detectorProperties, int partitions, EventGenerator generator,
      int rate, int seconds) throws Exception {
    DetectorConfig config = DetectorConfigParser.parse(detectorProperties);
    try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
      DetectorTopics.ensure(admin, config.topics(), partitions, (short) 1);
    }
    List<long[]> fitNanos = new CopyOnWriteArrayList<>();
    List<String> fitResults = new CopyOnWriteArrayList<>();
    DetectorObserver fits = new DetectorObserver() {
      @Override
      public void trainingFinished(TrainingResult result, long durationMillis, int windowSize) {
        long end = System.nanoTime();
        fitNanos.add(new long[] {end - durationMillis * 1_000_000, end});
        fitResults.add(result.name());
        log.info("Fit finished during the latency run: {} in {} ms on {} samples", result,
            durationMillis, windowSize);
      }
    };
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Map<String, Long> latency = new ConcurrentHashMap<>();
    int total = rate * seconds;
    try (DetectorService detector = new DetectorService(config, fits)) {
      detector.start(Duration.ofMinutes(2));
      if (detector.registry().current() == null) {
        throw new IllegalStateException("the benchmark model is not live after start");
      }
      AtomicBoolean reading = new AtomicBoolean(true);
      Thread reader = new Thread(
          () -> readScores(config.topics().scores(), sentAt, latency, reading), "latency-reader");
      reader.start();
      long first = offer(config.topics().events(), generator, rate, total, sentAt);
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (latency.size() < total && System.nanoTime() < deadline) Thread.sleep(50);
      reading.set(false);
      reader.join();
      return summarize(rate, seconds, first, sentAt, latency, fitNanos, fitResults);
    }
  }

  /** Sends {@code total} events at {@code rate}/s, keyed by event id; returns the first send time. */
  private long offer(String topic, EventGenerator generator, int rate, int total,
      Map<String, Long> sentAt) {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap);
    // Sent as soon as due: batching in the producer would be latency charged to the detector.
    p.setProperty("linger.ms", "0");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      long start = System.nanoTime();
      int sent = 0;
      while (sent < total) {
        // Everything due by now goes out, then a 1 ms nap: a spin per event would take a core.
        long due = Math.min(total, 1 + (System.nanoTime() - start) * rate / 1_000_000_000L);
        for (; sent < due; sent++) {
          EventGenerator.GeneratedEvent event = generator.next();
          sentAt.put(event.id(), System.nanoTime());
          producer.send(new ProducerRecord<>(topic, event.id().getBytes(StandardCharsets.UTF_8),
              event.json()));
          if ((sent + 1) % (rate * 10) == 0) {
            log.info("Latency run: {} of {} events offered", sent + 1, total);
          }
        }
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while offering events", e);
        }
      }
      return start;
    }
  }

  private void readScores(String topic, Map<String, Long> sentAt, Map<String, Long> latency,
      AtomicBoolean reading) {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap);
    p.setProperty("group.id", "latency-reader-" + System.nanoTime());
    p.setProperty("auto.offset.reset", "earliest");
    p.setProperty("isolation.level", "read_committed");
    p.setProperty("fetch.max.wait.ms", "10");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (reading.get()) {
        for (ConsumerRecord<String, byte[]> score : consumer.poll(Duration.ofMillis(20))) {
          long now = System.nanoTime();
          Long sent = sentAt.get(score.key());
          if (sent != null) latency.putIfAbsent(score.key(), now - sent);
        }
      }
    }
  }

  private static Result summarize(int rate, int seconds, long first, Map<String, Long> sentAt,
      Map<String, Long> latency, List<long[]> fitNanos, List<String> fitResults) {
    List<Long> steady = new ArrayList<>();
    List<Long> retrain = new ArrayList<>();
    for (Map.Entry<String, Long> scored : latency.entrySet()) {
      long sent = sentAt.get(scored.getKey());
      long done = sent + scored.getValue();
      if (overlapsFit(sent, sent, fitNanos)) {
        retrain.add(scored.getValue());
      } else if (sent - first >= WARMUP_NANOS
          && !overlapsFit(sent - AFTER_FIT_NANOS, done, fitNanos)) {
        steady.add(scored.getValue());
      }
    }
    List<Fit> fits = new ArrayList<>();
    for (int i = 0; i < fitNanos.size(); i++) {
      long[] fit = fitNanos.get(i);
      fits.add(new Fit((fit[0] - first) / 1e9, (fit[1] - first) / 1e9, fitResults.get(i)));
    }
    return new Result(rate, seconds, sentAt.size(), latency.size(),
        Percentiles.of(steady.stream().mapToLong(Long::longValue).toArray()),
        Percentiles.of(retrain.stream().mapToLong(Long::longValue).toArray()), fits);
  }

  /** Whether [from, to] meets any fit's [start, end]. */
  private static boolean overlapsFit(long from, long to, List<long[]> fits) {
    for (long[] fit : fits) {
      if (from <= fit[1] && to >= fit[0]) return true;
    }
    return false;
  }
}
