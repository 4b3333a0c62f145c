package io.surprisal.model;

import io.surprisal.event.BitVector;

/**
 * How many nats a universal compressor that knows nothing of the traffic needs for x: the
 * Krichevsky–Trofimov code of an adaptive order-1 Markov coder over the bits in their order (the
 * previous bit as context). It measures how simple x is on its own terms: long runs and few
 * changes are cheap. Added to log p(x), it gives the complexity-corrected surprisal of Serrà et al.
 * (ICLR 2020), which ranks an event by how much less probable the model finds it than its
 * simplicity alone would make it, where raw likelihood ranks simple events (few pixels on) as
 * normal whatever they are.
 *
 * <p>A KT code's length depends on its counts only, here the four transition counts, which the
 * active bits give in O(nnz(x)); the log-gamma values come from tables built once per L.
 */
public final class GenericCodeLength {
  private final int dimension;
  /** log Γ(n + 1/2) − log Γ(1/2), n = 0..L. */
  private final double[] logGammaHalf;
  /** log Γ(n + 1) = log n!, n = 0..L. */
  private final double[] logFactorial;

  public GenericCodeLength(int dimension) {
    if (dimension < 1) throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
    this.dimension = dimension;
    this.logGammaHalf = new double[dimension + 1];
    this.logFactorial = new double[dimension + 1];
    for (int n = 1; n <= dimension; n++) {
      logGammaHalf[n] = logGammaHalf[n - 1] + Math.log(n - 0.5);
      logFactorial[n] = logFactorial[n - 1] + Math.log(n);
    }
  }

  /** The code length of x in nats; the first bit costs log 2, each later one its KT share. */
  public double nats(BitVector x) {
    if (x.dimension() != dimension) {
      throw new IllegalArgumentException(
          "x has " + x.dimension() + " bits, the code was built for " + dimension);
    }
    int active = x.activeCount();
    // Transitions out of an active bit d (to d + 1, when there is one): on → on or on → off.
    int onOn = 0;
    int onOff = 0;
    for (int i = 0; i < active; i++) {
      int d = x.activeIndex(i);
      if (d + 1 >= dimension) continue;
      if (i + 1 < active && x.activeIndex(i + 1) == d + 1) onOn++;
      else onOff++;
    }
    int offOn = active - (active > 0 && x.activeIndex(0) == 0 ? 1 : 0) - onOn;
    int offOff = (dimension - 1) - (onOn + onOff) - offOn;
    return Math.log(2) + kt(offOff, offOn) + kt(onOff, onOn);
  }

  /** −log of the KT probability of a sequence with n0 zeros and n1 ones. */
  private double kt(int zeros, int ones) {
    // P = Γ(n0 + 1/2) Γ(n1 + 1/2) / (Γ(1/2)² Γ(n0 + n1 + 1))
    return logFactorial[zeros + ones] - logGammaHalf[zeros] - logGammaHalf[ones];
  }
}
