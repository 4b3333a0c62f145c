package io.surprisal.stream;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one fit this process may run at a time, and the thread it runs on.
 *
 * <p>Per process, not per task or per detector: Kafka Streams may close the trainer task and create
 * it again in the same process (after a rebalance, possibly on another stream thread) while the old
 * task's fit is still inside an ND4J op that ignores interrupts, and ND4J's off-heap memory is the
 * process's, whoever asked for it. A second fit beside a stuck one would double it. Several
 * detectors in one JVM (tests) share the slot and take turns.
 *
 * <p>Nobody ever waits for the slot: {@link #tryClaim} answers at once, and a trainer that does not
 * get it tries again on its next punctuation. The fit thread releases the slot when its work
 * returns, so a stuck fit holds back the others and blocks no stream thread.
 *
 * <p>The fit thread is one daemon thread for the process's lifetime, so ND4J's per-thread
 * workspaces are reused from one fit to the next rather than built again on a new thread.
 */
final class FitSlot {
  /** The process's slot. */
  static final FitSlot PROCESS = new FitSlot();

  private final AtomicReference<String> holder = new AtomicReference<>();
  private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
    Thread fitThread = new Thread(runnable, "surprisal-fit");
    fitThread.setDaemon(true);
    return fitThread;
  });

  private FitSlot() {}

  /**
   * Takes the slot for {@code fit}, or returns null at once when another fit holds it.
   *
   * @param fit names the fit in the log lines of trainers it holds back
   */
  Claim tryClaim(String fit) {
    return holder.compareAndSet(null, fit) ? new Claim() : null;
  }

  /** The fit holding the slot, as named to {@link #tryClaim}, or null when it is free. */
  String holder() {
    return holder.get();
  }

  /** The slot, taken; exactly one of {@link #run} and {@link #release} gives it back. */
  final class Claim {
    private Claim() {}

    /**
     * Hands {@code work} to the fit thread, which releases the slot when the work returns.
     *
     * @return completes once the fit thread has let go of {@code work} and released the slot
     */
    CompletableFuture<Void> run(Runnable work) {
      CompletableFuture<Void> letGo = new CompletableFuture<>();
      try {
        thread.execute(() -> {
          try {
            work.run();
          } finally {
            holder.set(null);
            letGo.complete(null);
          }
        });
      } catch (RuntimeException | Error e) {
        release();
        throw e;
      }
      return letGo;
    }

    /** Gives the slot back without running anything (the fit could not be prepared). */
    void release() {
      holder.set(null);
    }
  }
}
