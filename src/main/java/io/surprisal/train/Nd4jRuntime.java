package io.surprisal.train;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ND4J's process-wide threading. By default its OpenMP and BLAS pools take every core and spin
 * while waiting; beside Kafka Streams' own threads on a small machine that spinning starves
 * everyone (a 3-iteration EM went from milliseconds to seconds in the demo). The trainer therefore
 * caps ND4J at a set number of threads.
 */
public final class Nd4jRuntime {
  private static final Logger log = LoggerFactory.getLogger(Nd4jRuntime.class);
  private static int configuredThreads;

  private Nd4jRuntime() {}

  /** Caps ND4J's math at {@code threads}; the first call wins, later ones with another value warn. */
  public static synchronized void limitThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("training threads must be >= 1, got " + threads);
    }
    if (configuredThreads == threads) return;
    if (configuredThreads != 0) {
      log.warn("ND4J already limited to {} threads; ignoring a request for {}", configuredThreads,
          threads);
      return;
    }
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
    configuredThreads = threads;
  }
}
