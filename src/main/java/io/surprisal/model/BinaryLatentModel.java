package io.surprisal.model;

import io.surprisal.event.BitVector;
import io.surprisal.event.FeatureContribution;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A sigmoid belief network with an MLP decoder: z ∈ {0,1}^K with p(z) = Π_j ρ_j^z_j (1−ρ_j)^(1−z_j),
 * ρ_j = σ(η_j), and x ~ Π_d Bernoulli(θ_d(z)), θ(z) = σ(decoder(z)).
 *
 * <p>When K is at most the enumeration limit, log p(x) is exact: the decoder's log-odds for all 2^K
 * codes are computed once here, which makes the model a structured mixture of 2^K product-Bernoulli
 * components scored by the same {@link ProductBernoulliKernel} as the {@link BernoulliMixture}.
 * Above the limit, log p(x) is estimated by importance sampling with the inference network's
 * factorized proposal q(z|x) = Π_j Bernoulli(σ(encoder(x)_j)), from a random stream seeded by x, so
 * a score is reproducible (see {@link #estimate}).
 */
public final class BinaryLatentModel implements DensityModel {
  public static final String KIND = "binary-latent";
  /** Enumerating 2^K codes holds 2^K·L doubles; 2^16 codes at L = 784 is already 400 MB. */
  public static final int MAX_ENUMERATION_LIMIT = 16;
  /**
   * The most log-odds an enumerated model may hold, 2^K·L ≤ 2^26 (512 MB): the largest limit fits
   * up to L = 1024. A model record declares K, L and its own limit, so without this bound a record
   * could ask 2^16·L doubles for any L the detector is configured with.
   */
  public static final long MAX_ENUMERATED_LOG_ODDS = 1L << 26;

  private final double[] priorLogOdds;
  /** log p(z = 0) = Σ_j log(1 − ρ_j), the part of every log p(z) that does not depend on z. */
  private final double logPriorOfZero;
  private final BinaryInputMlp decoder;
  private final BinaryInputMlp encoder;
  private final int enumerationLimit;
  private final int scoringSamples;
  /** The 2^K-component mixture, or null when K is above the enumeration limit. */
  private final ProductBernoulliKernel kernel;

  private BinaryLatentModel(
      double[] priorLogOdds, BinaryInputMlp decoder, BinaryInputMlp encoder, int enumerationLimit,
      int scoringSamples) {
    this.priorLogOdds = priorLogOdds;
    double logP = 0;
    for (double eta : priorLogOdds) logP -= Logistic.softplus(eta);
    this.logPriorOfZero = logP;
    this.decoder = decoder;
    this.encoder = encoder;
    this.enumerationLimit = enumerationLimit;
    this.scoringSamples = scoringSamples;
    this.kernel = priorLogOdds.length <= enumerationLimit ? enumerate() : null;
  }

  /**
   * @param priorLogOdds η, K finite values: ρ_j = σ(η_j)
   * @param decoder K inputs to L outputs (the log-odds of θ)
   * @param encoder L inputs to K outputs (the log-odds of q(z|x))
   * @param enumerationLimit score exactly when K is at most this (0..16), which takes 2^K·L
   *     doubles, at most {@link #MAX_ENUMERATED_LOG_ODDS}
   * @param scoringSamples S, importance samples per score above the limit
   *     (1..{@value ImportanceEstimate#MAX_SCORING_SAMPLES})
   * @throws IllegalArgumentException naming the first argument that breaks a rule
   */
  public static BinaryLatentModel of(
      double[] priorLogOdds, BinaryInputMlp decoder, BinaryInputMlp encoder, int enumerationLimit,
      int scoringSamples) {
    int latent = priorLogOdds.length;
    for (int j = 0; j < latent; j++) {
      if (!Double.isFinite(priorLogOdds[j])) {
        throw new IllegalArgumentException(
            "priorLogOdds[" + j + "] must be finite, got " + priorLogOdds[j]);
      }
    }
    if (decoder.inputs() != latent || encoder.outputs() != latent) {
      throw new IllegalArgumentException(
          "decoder inputs and encoder outputs must equal K = " + latent + ", got "
              + decoder.inputs() + " and " + encoder.outputs());
    }
    if (encoder.inputs() != decoder.outputs()) {
      throw new IllegalArgumentException(
          "encoder inputs must equal the decoder's outputs L = " + decoder.outputs() + ", got "
              + encoder.inputs());
    }
    requireEnumerationLimit(enumerationLimit);
    requireEnumerable(latent, decoder.outputs(), enumerationLimit);
    ImportanceEstimate.requireScoringSamples(scoringSamples);
    return new BinaryLatentModel(
        priorLogOdds.clone(), decoder, encoder, enumerationLimit, scoringSamples);
  }

  /** @throws IllegalArgumentException unless enumerationLimit is in 0..{@value #MAX_ENUMERATION_LIMIT} */
  static void requireEnumerationLimit(int enumerationLimit) {
    if (enumerationLimit < 0 || enumerationLimit > MAX_ENUMERATION_LIMIT) {
      throw new IllegalArgumentException(
          "enumerationLimit must be in 0.." + MAX_ENUMERATION_LIMIT + ", got " + enumerationLimit);
    }
  }

  /**
   * @param enumerationLimit already checked to be in 0..{@value #MAX_ENUMERATION_LIMIT}
   * @throws IllegalArgumentException when K is enumerated and 2^K·L is above
   *     {@link #MAX_ENUMERATED_LOG_ODDS}
   */
  static void requireEnumerable(int latent, int dimension, int enumerationLimit) {
    if (latent > enumerationLimit) return;
    long logOdds = (1L << latent) * dimension;
    if (logOdds > MAX_ENUMERATED_LOG_ODDS) {
      throw new IllegalArgumentException(
          "enumerating 2^" + latent + " codes over L = " + dimension + " bits takes " + logOdds
              + " log-odds, more than " + MAX_ENUMERATED_LOG_ODDS + ": enumerationLimit must be"
              + " below K = " + latent + ", got " + enumerationLimit);
    }
  }

  /** log p(x, c) = b_c + Σ_{x_d=1} a_cd for every code c, bit j of c being z_j. */
  private ProductBernoulliKernel enumerate() {
    int latent = latent();
    int dimension = dimension();
    int codes = 1 << latent;
    double[][] bitLogOdds = new double[dimension][codes];
    double[] bias = new double[codes];
    double[] logits = new double[dimension];
    double[] scratch = new double[decoder.hidden()];
    int[] active = new int[latent];
    for (int c = 0; c < codes; c++) {
      int count = activeBits(c, active);
      decoder.forward(active, count, scratch, logits);
      double b = logPrior(active, count);
      for (int d = 0; d < dimension; d++) {
        b -= Logistic.softplus(logits[d]);
        bitLogOdds[d][c] = logits[d];
      }
      bias[c] = b;
    }
    return new ProductBernoulliKernel(bitLogOdds, bias);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public int dimension() {
    return decoder.outputs();
  }

  /** K, the latent bits. */
  public int latent() {
    return priorLogOdds.length;
  }

  public double[] priorLogOdds() {
    return priorLogOdds.clone();
  }

  public BinaryInputMlp decoder() {
    return decoder;
  }

  public BinaryInputMlp encoder() {
    return encoder;
  }

  public int enumerationLimit() {
    return enumerationLimit;
  }

  public int scoringSamples() {
    return scoringSamples;
  }

  /** Whether either network has more than one tanh layer. */
  public boolean deep() {
    return decoder.hiddenLayers() > 1 || encoder.hiddenLayers() > 1;
  }

  /** Whether {@link #logLikelihood} is exact (K ≤ enumeration limit) rather than estimated. */
  public boolean isExact() {
    return kernel != null;
  }

  @Override
  public double logLikelihood(BitVector x) {
    if (kernel != null) return kernel.logJoint(x, new double[kernel.components()]);
    return estimate(x, scoringSamples, randomFor(x)).logLikelihood();
  }

  /**
   * When exact (K ≤ enumeration limit): the most probable code z as K bits, bit j of z at position
   * j, and its exact posterior p(z|x). Above the limit: the drawn code with the highest joint
   * p(x, z) among the scoring samples, and p(x, z)/p̂(x) as its posterior (an estimate).
   */
  @Override
  public LatentSummary latent(BitVector x) {
    return score(x).latent();
  }

  /**
   * log p(x) and the latent readout; when exact, from one pass of the enumerated kernel, else from
   * all S importance samples.
   */
  @Override
  public Scored score(BitVector x) {
    return score(x, Double.NaN);
  }

  /**
   * As {@link #score(BitVector)}, but above the enumeration limit the samples are drawn in rounds
   * up to S and stop once log p(x) is clearly above the threshold ({@link AdaptiveSampling}); the
   * readout is then the best of the codes drawn. A NaN threshold draws all S.
   */
  @Override
  public Scored score(BitVector x, double threshold) {
    if (kernel == null) {
      requireDimension(x);
      ImportanceSamples drawn =
          ImportanceSamples.drawUntilClear(this, x, scoringSamples, randomFor(x), threshold);
      ImportanceEstimate estimate = drawn.estimate();
      double logP = estimate.logLikelihood();
      return new Scored(logP, drawn.readout(logP), estimate.samples());
    }
    double[] joint = new double[kernel.components()];
    double logP = kernel.logJoint(x, joint);
    int best = ProductBernoulliKernel.argMax(joint);
    return new Scored(logP, new LatentSummary(
        code(best, latent()), ProductBernoulliKernel.posterior(joint, best, logP)));
  }

  /** Code c as K characters, bit j of c (z_j) at position j. */
  private static String code(int c, int latent) {
    char[] bits = new char[latent];
    for (int j = 0; j < latent; j++) bits[j] = ((c >> j) & 1) != 0 ? '1' : '0';
    return new String(bits);
  }

  /**
   * The importance-sampling estimate log (1/S) Σ_s p(x, z_s)/q(z_s|x), z_s ~ q(z|x), whatever K is.
   * Its standard error is the delta method's: with w_s the importance weights, SE ≈ sd(w) / (√S·w̄).
   */
  public ImportanceEstimate estimate(BitVector x, int samples, RandomGenerator random) {
    requireDimension(x);
    ImportanceSamples drawn = ImportanceSamples.draw(this, x, samples, random, false);
    return drawn.estimate();
  }

  /**
   * Ranks bits by the log-probability of their observed values under the posterior-weighted decoder
   * output θ̄_d = Σ_z p(z|x) θ_d(z): exact over all codes when enumerable, otherwise over the
   * self-normalized importance samples that score x.
   */
  @Override
  public List<FeatureContribution> explain(BitVector x, int count) {
    requireDimension(x);
    int dimension = dimension();
    double[] meanOn = new double[dimension];
    double[] meanOff = new double[dimension];
    if (kernel != null) {
      double[] posterior = new double[kernel.components()];
      ProductBernoulliKernel.normalize(posterior, kernel.logJoint(x, posterior));
      for (int c = 0; c < posterior.length; c++) {
        if (posterior[c] == 0) continue;
        for (int d = 0; d < dimension; d++) {
          double a = kernel.logOdds(c, d);
          meanOn[d] += posterior[c] * Logistic.sigmoid(a);
          meanOff[d] += posterior[c] * Logistic.sigmoid(-a);
        }
      }
    } else {
      ImportanceSamples.draw(this, x, scoringSamples, randomFor(x), true)
          .accumulateDecoderMeans(meanOn, meanOff);
    }
    List<FeatureContribution> all = new ArrayList<>(dimension);
    for (int d = 0; d < dimension; d++) {
      boolean set = x.get(d);
      all.add(new FeatureContribution(d, set ? 1 : 0, Math.log(set ? meanOn[d] : meanOff[d])));
    }
    all.sort(Comparator.comparingDouble(FeatureContribution::logProb));
    return List.copyOf(all.subList(0, Math.min(count, dimension)));
  }

  @Override
  public BitVector sample(RandomGenerator random) {
    int latent = latent();
    int[] active = new int[latent];
    int count = 0;
    for (int j = 0; j < latent; j++) {
      if (random.nextDouble() < Logistic.sigmoid(priorLogOdds[j])) active[count++] = j;
    }
    double[] logits = new double[dimension()];
    decoder.forward(active, count, new double[decoder.hidden()], logits);
    int[] bits = new int[logits.length];
    for (int d = 0; d < bits.length; d++) {
      bits[d] = random.nextDouble() < Logistic.sigmoid(logits[d]) ? 1 : 0;
    }
    return BitVector.ofDense(bits);
  }

  /** log p(z) for the code whose set bits are active[0..count). */
  double logPrior(int[] active, int count) {
    double logP = logPriorOfZero; // computed once: it was 2·K transcendental calls per draw
    for (int i = 0; i < count; i++) logP += priorLogOdds[active[i]]; // log ρ − log(1−ρ)
    return logP;
  }

  /** The same x always draws the same samples, so scores and explanations are reproducible. */
  private static RandomGenerator randomFor(BitVector x) {
    return EventRandom.forEvent(x);
  }

  private static int activeBits(int code, int[] active) {
    int count = 0;
    for (int j = 0; code >> j != 0; j++) {
      if (((code >> j) & 1) != 0) active[count++] = j;
    }
    return count;
  }

  private void requireDimension(BitVector x) {
    if (x.dimension() != dimension()) {
      throw new IllegalArgumentException(
          "vector has dimension " + x.dimension() + ", the model expects " + dimension());
    }
  }

  @Override
  public String toString() {
    return "BinaryLatentModel{K=" + latent() + ", L=" + dimension() + ", H=" + decoder.hidden()
        + (decoder.hiddenLayers() > 1 ? "x" + decoder.hiddenLayers() : "") + (isExact() ? ", exact" : ", S=" + scoringSamples) + "}";
  }
}
