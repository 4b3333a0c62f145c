package io.surprisal.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the samples the trainer refuses and keeps the log short: anyone who can write to the
 * samples topic could otherwise write a log line per record. The first refusal is logged with its
 * reason; later ones are summed up, with the latest reason, at most once per {@link
 * #SUMMARY_EVERY_MILLIS} and when the task closes. Stream thread only.
 */
final class SampleRefusals {
  private static final Logger log = LoggerFactory.getLogger(SampleRefusals.class);
  static final long SUMMARY_EVERY_MILLIS = 60_000;

  private final Object taskId;
  private long total;
  private long sinceLogged;
  private String latestReason;
  /** When {@link #logSummary} last wrote a line, or -1 before it has. */
  private long summarizedAt = -1;

  SampleRefusals(Object taskId) {
    this.taskId = taskId;
  }

  void refuse(String reason) {
    total++;
    if (total == 1) {
      log.warn("Trainer task {} refused a sample, nothing stored: {}; further refusals are"
          + " counted and logged at most once a minute", taskId, reason);
      return;
    }
    sinceLogged++;
    latestReason = reason;
  }

  /** Logs the refusals since the last line, if any and if the last line is old enough. */
  void logSummary(long now) {
    if (sinceLogged == 0) return;
    if (summarizedAt >= 0 && now - summarizedAt < SUMMARY_EVERY_MILLIS) return;
    summarizedAt = now;
    flush();
  }

  /** Logs the refusals since the last line, if any, at once. */
  void flush() {
    if (sinceLogged == 0) return;
    log.warn("Trainer task {} refused {} more samples ({} since it started), nothing stored; the"
        + " latest: {}", taskId, sinceLogged, total, latestReason);
    sinceLogged = 0;
  }

  /** Samples refused since the task started. */
  long total() {
    return total;
  }
}
