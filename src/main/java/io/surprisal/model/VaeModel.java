package io.surprisal.model;

import io.surprisal.event.BitVector;
import io.surprisal.event.FeatureContribution;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A variational autoencoder over bits: z ∈ ℝ^D with prior N(0, I), x ~ Π_d Bernoulli(σ(a_d(z))),
 * a = decoder(z) a one-hidden-layer tanh MLP; the encoder (an MLP over the bits of x) gives the
 * proposal q(z|x) = N(μ(x), diag(exp(v(x)))), v the log-variances.
 *
 * <p>log p(x) is estimated by importance sampling with S draws from q(z|x):
 * log (1/S) Σ_s p(x|z_s) p(z_s) / q(z_s|x), the IWAE estimate, which is a lower bound in expectation
 * and tightens as S grows. The draws come from a random stream seeded by x, so a score is
 * reproducible. Scoring is plain Java over the weight arrays: S·(D·H + H·L) multiply-adds plus one
 * encoder pass over the set bits, with no ND4J call per event.
 */
public final class VaeModel implements DensityModel {
  public static final String KIND = "vae";

  /** L → G → 2D: the first D outputs are μ, the last D the log-variances v. */
  private final BinaryInputMlp encoder;
  /** D → H → L: the Bernoulli log-odds. */
  private final RealInputMlp decoder;
  private final int scoringSamples;

  private VaeModel(BinaryInputMlp encoder, RealInputMlp decoder, int scoringSamples) {
    this.encoder = encoder;
    this.decoder = decoder;
    this.scoringSamples = scoringSamples;
  }

  /**
   * @param encoder L inputs to 2D outputs: means, then log-variances
   * @param decoder D inputs to L outputs (log-odds)
   * @param scoringSamples S, importance samples per score
   *     (1..{@value ImportanceEstimate#MAX_SCORING_SAMPLES})
   * @throws IllegalArgumentException naming the shape or value that breaks a rule
   */
  public static VaeModel of(BinaryInputMlp encoder, RealInputMlp decoder, int scoringSamples) {
    if (encoder.outputs() != 2 * decoder.inputs()) {
      throw new IllegalArgumentException(
          "encoder outputs must be 2·D = " + 2 * decoder.inputs() + " (means, log-variances), got "
              + encoder.outputs());
    }
    if (encoder.inputs() != decoder.outputs()) {
      throw new IllegalArgumentException(
          "encoder inputs must equal the decoder's outputs L = " + decoder.outputs() + ", got "
              + encoder.inputs());
    }
    ImportanceEstimate.requireScoringSamples(scoringSamples);
    return new VaeModel(encoder, decoder, scoringSamples);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public int dimension() {
    return decoder.outputs();
  }

  /** D, the latent dimension. */
  public int latentDimension() {
    return decoder.inputs();
  }

  public BinaryInputMlp encoder() {
    return encoder;
  }

  public RealInputMlp decoder() {
    return decoder;
  }

  public int scoringSamples() {
    return scoringSamples;
  }

  @Override
  public double logLikelihood(BitVector x) {
    return estimate(x, scoringSamples, EventRandom.forEvent(x)).logLikelihood();
  }

  /** The IWAE estimate with S = scoring samples, and the posterior mean as the latent readout. */
  @Override
  public Scored score(BitVector x) {
    return score(x, Double.NaN);
  }

  /**
   * As {@link #score(BitVector)}, but the samples are drawn in rounds up to S and stop once
   * log p(x) is clearly above the threshold ({@link AdaptiveSampling}). A NaN threshold draws
   * all S.
   */
  @Override
  public Scored score(BitVector x, double threshold) {
    double[] encoded = encode(x);
    ImportanceEstimate estimate =
        estimate(x, encoded, scoringSamples, EventRandom.forEvent(x), threshold);
    double[] mean = new double[latentDimension()];
    System.arraycopy(encoded, 0, mean, 0, mean.length);
    return new Scored(
        estimate.logLikelihood(), LatentSummary.posteriorMean(mean), estimate.samples());
  }

  /** E[z|x] under the encoder: μ(x). */
  @Override
  public LatentSummary latent(BitVector x) {
    double[] encoded = encode(x);
    double[] mean = new double[latentDimension()];
    System.arraycopy(encoded, 0, mean, 0, mean.length);
    return LatentSummary.posteriorMean(mean);
  }

  /** log (1/S) Σ_s p(x, z_s)/q(z_s|x) with z_s ~ q(z|x) drawn from {@code random}, and its SE. */
  public ImportanceEstimate estimate(BitVector x, int samples, RandomGenerator random) {
    if (samples < 1) throw new IllegalArgumentException("samples must be >= 1, got " + samples);
    return estimate(x, encode(x), samples, random, Double.NaN);
  }

  /** Up to S draws, fewer when clear of the boundary; all S when it is NaN. */
  private ImportanceEstimate estimate(BitVector x, double[] encoded, int samples,
      RandomGenerator random, double boundary) {
    int latent = latentDimension();
    // σ_j = exp(v_j / 2) once per event, not once per draw.
    double[] deviation = new double[latent];
    for (int j = 0; j < latent; j++) deviation[j] = Math.exp(0.5 * encoded[latent + j]);
    double[] z = new double[latent];
    double[] logits = new double[dimension()];
    double[] softplusTerms = new double[dimension()];
    double[] scratch = new double[decoder.hidden()];
    AdaptiveSampling.LogWeights draws = () -> {
      // log p(z) − log q(z|x) with z = μ + σ·ε: the 2π terms cancel, leaving
      // −½Σz² + ½Σε² + ½Σv.
      double logRatio = 0;
      for (int j = 0; j < latent; j++) {
        double logVariance = encoded[latent + j];
        double epsilon = random.nextGaussian();
        z[j] = encoded[j] + deviation[j] * epsilon;
        logRatio += 0.5 * (epsilon * epsilon - z[j] * z[j] + logVariance);
      }
      decoder.forward(z, scratch, logits);
      return logRatio + logBernoulli(x, logits, softplusTerms);
    };
    return AdaptiveSampling.estimate(draws, new double[samples], boundary);
  }

  /** log p(x|z) = Σ_{x_d=1} a_d − Σ_d softplus(a_d), a the decoder's log-odds. */
  private static double logBernoulli(BitVector x, double[] logits, double[] softplusTerms) {
    double logP = -Logistic.sumSoftplus(logits, logits.length, softplusTerms);
    for (int i = 0, n = x.activeCount(); i < n; i++) logP += logits[x.activeIndex(i)];
    return logP;
  }

  /** The encoder's 2D outputs for x: μ then v. */
  private double[] encode(BitVector x) {
    if (x.dimension() != dimension()) {
      throw new IllegalArgumentException(
          "vector has dimension " + x.dimension() + ", the model expects " + dimension());
    }
    double[] out = new double[encoder.outputs()];
    encoder.forward(
        x.activeIndices(), x.activeCount(), new double[Math.max(encoder.hidden(), 1)], out);
    return out;
  }

  /**
   * Ranks bits by the log-probability of their observed values under the decoder's output at the
   * posterior mean z = μ(x): deterministic and one decoder pass, where a sampled z would make the
   * explanation of the same event vary with the draw.
   */
  @Override
  public List<FeatureContribution> explain(BitVector x, int count) {
    double[] encoded = encode(x);
    double[] mean = new double[latentDimension()];
    System.arraycopy(encoded, 0, mean, 0, mean.length);
    double[] logits = new double[dimension()];
    decoder.forward(mean, new double[decoder.hidden()], logits);
    List<FeatureContribution> all = new ArrayList<>(logits.length);
    for (int d = 0; d < logits.length; d++) {
      boolean set = x.get(d);
      // log σ(a) = −softplus(−a) for a set bit, log σ(−a) = −softplus(a) for a clear one.
      double logProb = -Logistic.softplus(set ? -logits[d] : logits[d]);
      all.add(new FeatureContribution(d, set ? 1 : 0, logProb));
    }
    all.sort(Comparator.comparingDouble(FeatureContribution::logProb));
    return List.copyOf(all.subList(0, Math.min(count, all.size())));
  }

  @Override
  public BitVector sample(RandomGenerator random) {
    double[] z = new double[latentDimension()];
    for (int j = 0; j < z.length; j++) z[j] = random.nextGaussian();
    double[] logits = new double[dimension()];
    decoder.forward(z, new double[decoder.hidden()], logits);
    int[] bits = new int[logits.length];
    for (int d = 0; d < bits.length; d++) {
      bits[d] = random.nextDouble() < Logistic.sigmoid(logits[d]) ? 1 : 0;
    }
    return BitVector.ofDense(bits);
  }

  @Override
  public String toString() {
    return "VaeModel{D=" + latentDimension() + ", L=" + dimension() + ", H=" + decoder.hidden()
        + ", S=" + scoringSamples + "}";
  }
}
