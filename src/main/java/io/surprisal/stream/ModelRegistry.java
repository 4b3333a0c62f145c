package io.surprisal.stream;

import io.surprisal.model.PublishedModel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The live model of one Kafka Streams instance, shared by its global-store updater (the only writer)
 * and every scoring task. A swap is one atomic reference write, so a scorer sees either the old
 * model or the new one, never a mix, and never waits.
 */
public final class ModelRegistry {
  private final AtomicReference<PublishedModel> live = new AtomicReference<>();
  private final AtomicLong refused = new AtomicLong();

  /** The live model, or null before the first one. */
  public PublishedModel current() {
    return live.get();
  }

  /** Makes {@code model} live if it is newer than the live one; returns whether it did. */
  public boolean offer(PublishedModel model) {
    PublishedModel previous;
    do {
      previous = live.get();
      if (previous != null && previous.version() >= model.version()) return false;
    } while (!live.compareAndSet(previous, model));
    return true;
  }

  void countRefused() {
    refused.incrementAndGet();
  }

  /**
   * Model records refused since start: unsigned or badly signed (with a signing key), corrupt, of
   * an unknown format, with invalid parameters, of the wrong dimension, or not newer.
   */
  public long refusedCount() {
    return refused.get();
  }
}
