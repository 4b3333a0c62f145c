package io.surprisal.generate;

import io.surprisal.generate.EventGenerator.GeneratedEvent;

/**
 * Synthetic traffic one event at a time, with its truth beside it: the mixture generator of the
 * default demo, the market and the fraud scenarios. Called from one thread (the producer's).
 */
public interface EventSource {
  GeneratedEvent next();
}
