package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.EmbeddedKafkaBroker;
import io.surprisal.kafka.TopicAdmin;
import io.surprisal.stream.DetectorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 7, items 1-3: three detector JVMs with one application id over an events topic of six
 * partitions. The partitions spread over the three, exactly one runs the trainer task, and every
 * instance swaps to each published model (the delay is measured from the logs). Then the trainer's
 * owner is killed: with num.standby.replicas=1 the task moves with its window, versions keep
 * increasing, and the scores of the survivors' partitions keep arriving; the killed instance is
 * started again (a join), and another instance is stopped with SIGTERM (a graceful leave). The
 * pause of each partition's scores at each of these is measured from a read_committed reader,
 * and the exactly-once books must balance at the end.
 */
class ScaleOutTest {
  private static final String APPLICATION = "scale-it";
  private static final int PARTITIONS = 6;
  private static final int INSTANCES = 3;

  @Test
  @Timeout(600)
  void shouldSpreadPartitionsKeepOneTrainerAndMoveItWhenItsOwnerDies() throws Exception {
    Path work = DetectorProcess.emptyDirectory(
        Path.of("target", "reliability", "scale-out").toAbsolutePath());
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        Admin admin = Admin.create(FaultTestSettings.client(broker.bootstrapServers()))) {
      Properties client = FaultTestSettings.client(broker.bootstrapServers());
      List<DetectorProcess> detectors = new ArrayList<>();
      DetectorConfig.Topics topics = null;
      for (int i = 1; i <= INSTANCES; i++) {
        Properties settings = FaultTestSettings.detector(
            broker.bootstrapServers(), APPLICATION, work.resolve("state-" + i));
        settings.setProperty("num.standby.replicas", "1");
        topics = FaultTestSettings.topics(settings);
        Path config = DetectorProcess.writeConfig(work.resolve("instance-" + i + ".properties"),
            settings);
        detectors.add(new DetectorProcess("instance-" + i, config, work,
            List.of("--replication", "1", "--partitions", String.valueOf(PARTITIONS))));
      }
      try (TopicAdmin topicAdmin = new TopicAdmin(broker.bootstrapServers())) {
        DetectorTopics.ensure(topicAdmin, topics, PARTITIONS, (short) 1);
      }
      ExactlyOnceAccount account;
      try (BackgroundTraffic traffic =
              new BackgroundTraffic(client, topics.events(), 600, 0.01, 77L, "scale-");
          ScoreArrivals arrivals = new ScoreArrivals(client, topics.scores());
          AutoCloseable stopAll = () -> detectors.forEach(DetectorProcess::close)) {
        traffic.start();
        for (DetectorProcess detector : detectors) detector.start();
        for (DetectorProcess detector : detectors) detector.awaitRunning(Duration.ofSeconds(180));
        Instant allRunning = Instant.now();
        // Two versions published after all three run: the propagation sample.
        awaitPublishedAfter(detectors, allRunning, 2, Duration.ofSeconds(120));
        for (DetectorProcess detector : detectors) {
          awaitLiveVersion(detector, latestPublished(detectors), Duration.ofSeconds(30));
        }

        Map<String, Set<Integer>> events = new HashMap<>();
        String trainerMember = assignment(admin, topics, events);
        assertThat(events).as("members of the group").hasSize(INSTANCES);
        assertThat(events.values()).as("events partitions per member")
            .allSatisfy(partitions -> assertThat(partitions).isNotEmpty());
        assertThat(events.values().stream().flatMap(Collection::stream).sorted().toList())
            .as("every events partition once").containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(trainerMember).as("the one member with the samples partition").isNotNull();
        DetectorProcess owner = instanceOf(trainerMember, detectors);
        Set<Integer> ownerPartitions = events.get(trainerMember);

        Map<Long, Duration> propagation = propagationDelays(detectors, allRunning);
        long lastVersionBefore = latestPublished(detectors);

        Instant killedAt = Instant.now();
        owner.kill();
        List<DetectorProcess> survivors = detectors.stream().filter(d -> d != owner).toList();
        LogTimes.Match moved = awaitAfter(survivors, LogTimes.TRAINER_STARTED, killedAt,
            Duration.ofSeconds(90));
        LogTimes.Match nextPublish = awaitAfter(survivors, LogTimes.PUBLISHED, killedAt,
            Duration.ofSeconds(90));
        Thread.sleep(3_000);
        Map<Integer, Duration> leaveGaps =
            arrivals.longestGaps(killedAt, Instant.now(), PARTITIONS);
        // Partitions a survivor had before and still has; the rest were the dead instance's or
        // were moved between survivors to even out the load.
        Map<String, Set<Integer>> eventsAfter = new HashMap<>();
        assignment(admin, topics, eventsAfter);
        Set<Integer> kept = new TreeSet<>();
        eventsAfter.forEach((member, partitions) -> partitions.stream()
            .filter(p -> events.getOrDefault(member, Set.of()).contains(p)).forEach(kept::add));

        Instant joinedAt = Instant.now();
        owner.start();
        owner.awaitRunning(Duration.ofSeconds(120));
        Thread.sleep(8_000);
        Map<Integer, Duration> joinGaps =
            arrivals.longestGaps(joinedAt, Instant.now(), PARTITIONS);

        // A graceful leave (SIGTERM: the instance commits and leaves the group at once), as in a
        // rolling restart.
        Instant leftAt = Instant.now();
        DetectorProcess leaving = survivors.get(1);
        leaving.stop(Duration.ofSeconds(60));
        Thread.sleep(8_000);
        Map<Integer, Duration> gracefulGaps =
            arrivals.longestGaps(leftAt, Instant.now(), PARTITIONS);

        traffic.stop();
        DetectorCrashTest.awaitAllScored(client, topics, traffic, survivors.get(0));
        for (DetectorProcess detector : detectors) {
          if (detector != leaving) detector.stop(Duration.ofSeconds(60));
        }
        account = ExactlyOnceAccount.read(client, topics, traffic.anomalies());

        long keptLongest = leaveGaps.entrySet().stream()
            .filter(e -> kept.contains(e.getKey()))
            .mapToLong(e -> e.getValue().toMillis()).max().orElseThrow();
        long ownersLongest = leaveGaps.entrySet().stream()
            .filter(e -> ownerPartitions.contains(e.getKey()))
            .mapToLong(e -> e.getValue().toMillis()).max().orElseThrow();
        System.out.printf("Scale-out test: events partitions %s, trainer on %s; propagation delay"
                + " per version (ms) %s; trainer owner killed: task restarted on a survivor"
                + " after %d ms with %d samples, version %d (last before %d) published after"
                + " %d ms; longest score gap at the leave (ms) per partition %s (owner's"
                + " partitions %s, kept by a survivor %s, assignment after %s), at the join %s, at a graceful leave %s; %s%n",
            events, owner.name(), toMillis(propagation),
            millisBetween(killedAt, moved.time()), moved.number(),
            nextPublish.number(), lastVersionBefore, millisBetween(killedAt, nextPublish.time()),
            toMillis(leaveGaps), ownerPartitions, kept, eventsAfter.values(), toMillis(joinGaps),
            toMillis(gracefulGaps), account);

        assertThat(propagation).as("versions seen by all instances").isNotEmpty();
        assertThat(propagation.values()).as("publish to live on every instance")
            .allSatisfy(delay -> assertThat(delay).isLessThan(Duration.ofSeconds(5)));
        assertThat(moved.number()).as("window of the moved trainer task")
            .isGreaterThanOrEqualTo(FaultTestSettings.MIN_TRAINING);
        assertThat(nextPublish.number()).as("version after the failover")
            .isGreaterThan(lastVersionBefore);
        // A survivor keeps scoring the partitions it keeps through the rebalance (cooperative
        // rebalancing); only the dead instance's partitions wait for its session to time out.
        assertThat(kept).as("partitions kept by a survivor").isNotEmpty();
        assertThat(keptLongest).as("longest pause of a partition a survivor kept (ms)")
            .isLessThan(ownersLongest);
      }
      DetectorCrashTest.assertBalanced(account);
    }
  }

  /**
   * Each member's events partitions (into {@code events}, by client id) and the client id of the
   * member that holds the samples partition, i.e. runs the trainer task.
   */
  private static String assignment(Admin admin, DetectorConfig.Topics topics,
      Map<String, Set<Integer>> events) throws Exception {
    String trainer = null;
    Collection<MemberDescription> members = admin.describeConsumerGroups(List.of(APPLICATION))
        .describedGroups().get(APPLICATION).get(30, TimeUnit.SECONDS).members();
    for (MemberDescription member : members) {
      Set<Integer> partitions = new TreeSet<>();
      for (TopicPartition partition : member.assignment().topicPartitions()) {
        if (partition.topic().equals(topics.events())) partitions.add(partition.partition());
        if (partition.topic().equals(topics.samples())) {
          assertThat(trainer).as("a second trainer").isNull();
          trainer = member.clientId();
        }
      }
      events.put(member.clientId(), partitions);
    }
    return trainer;
  }

  /** The instance whose threads carry this client id's process prefix. */
  private static DetectorProcess instanceOf(String clientId, List<DetectorProcess> detectors) {
    String process = clientId.substring(0, clientId.indexOf("-StreamThread"));
    return detectors.stream()
        .filter(d -> d.allLines().stream().anyMatch(line -> line.contains(process)))
        .findFirst().orElseThrow(() -> new AssertionError("no instance logs " + process));
  }

  /** For each version published after {@code since}: publish to live on the slowest instance. */
  private static Map<Long, Duration> propagationDelays(
      List<DetectorProcess> detectors, Instant since) {
    Map<Long, Instant> published = new HashMap<>();
    for (DetectorProcess detector : detectors) {
      published.putAll(LogTimes.firstByNumber(detector.allLines(), LogTimes.PUBLISHED));
    }
    Map<Long, Duration> delays = new java.util.TreeMap<>();
    published.forEach((version, at) -> {
      if (at.isBefore(since)) return;
      Instant slowest = null;
      for (DetectorProcess detector : detectors) {
        Instant live = LogTimes.firstByNumber(detector.allLines(), LogTimes.LIVE).get(version);
        if (live == null) return;
        if (slowest == null || live.isAfter(slowest)) slowest = live;
      }
      delays.put(version, Duration.between(at, slowest));
    });
    return delays;
  }

  private static long latestPublished(List<DetectorProcess> detectors) {
    return detectors.stream()
        .flatMap(d -> LogTimes.matches(d.allLines(), LogTimes.PUBLISHED).stream())
        .mapToLong(LogTimes.Match::number).max().orElse(0);
  }

  private static void awaitPublishedAfter(List<DetectorProcess> detectors, Instant since,
      int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (detectors.stream()
        .flatMap(d -> LogTimes.matches(d.allLines(), LogTimes.PUBLISHED).stream())
        .filter(m -> m.time().isAfter(since)).count() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(count + " versions not published within " + timeout);
      }
      Thread.sleep(200);
    }
  }

  private static void awaitLiveVersion(DetectorProcess detector, long version, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!LogTimes.firstByNumber(detector.allLines(), LogTimes.LIVE).containsKey(version)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(detector.name() + " never had version " + version + " live");
      }
      Thread.sleep(200);
    }
  }

  /** The first line matching {@code pattern} after {@code since} in any of the instances. */
  private static LogTimes.Match awaitAfter(List<DetectorProcess> detectors,
      java.util.regex.Pattern pattern, Instant since, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      var found = detectors.stream()
          .flatMap(d -> LogTimes.matches(d.allLines(), pattern).stream())
          .filter(m -> m.time().isAfter(since))
          .min(java.util.Comparator.comparing(LogTimes.Match::time));
      if (found.isPresent()) return found.get();
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + pattern + "' after " + since + " within " + timeout);
      }
      Thread.sleep(200);
    }
  }

  private static long millisBetween(Instant from, Instant to) {
    return Duration.between(from, to).toMillis();
  }

  private static Map<?, Long> toMillis(Map<?, Duration> durations) {
    Map<Object, Long> millis = new java.util.TreeMap<>();
    durations.forEach((key, value) -> millis.put(key, value.toMillis()));
    return millis;
  }
}
