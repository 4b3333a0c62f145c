package io.surprisal.model;

import io.surprisal.event.BitVector;
import io.surprisal.event.FeatureContribution;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A model scored together with an independent-bits model of the same traffic (a mixture with one
 * component), the two combined by Fisher's method: each log-likelihood becomes its p-value against
 * the holdout ({@link ReferenceDistribution}), and the detection score is the sum of their logs.
 * Lower is more surprising, as for a log-likelihood, and the threshold is calibrated on that sum
 * the same way.
 *
 * <p>Why two: a flexible model ranks the anomalies that break the structure of normal events
 * (which pixels go together), but it also learns what recurs in its training window, anomalies
 * included, and on a few hundred rows it fits noise; the independent-bits model cannot learn
 * either, and ranks rare values first. Each fails where the other holds: on the data sets of
 * docs/quality.md the combination was never far below the better of the two, while each alone was
 * far below the other somewhere (soybean, celeba; Fashion-MNIST).
 *
 * <p>Everything else is the model's own: log p(x) (what every score carries), the latent readout,
 * the features that explain an alert, the samples it draws, its kind.
 */
public final class EnsembleModel implements DensityModel {
  private final DensityModel model;
  private final BernoulliMixture independentBits;
  private final ReferenceDistribution modelReference;
  private final ReferenceDistribution independentBitsReference;

  public EnsembleModel(
      DensityModel model,
      BernoulliMixture independentBits,
      ReferenceDistribution modelReference,
      ReferenceDistribution independentBitsReference) {
    if (model instanceof EnsembleModel) {
      throw new IllegalArgumentException("an ensemble's model cannot itself be an ensemble");
    }
    if (independentBits.components() != 1) {
      throw new IllegalArgumentException(
          "the independent-bits model must have 1 component, got " + independentBits.components());
    }
    if (independentBits.dimension() != model.dimension()) {
      throw new IllegalArgumentException("the independent-bits model must have L = "
          + model.dimension() + " like the model, got " + independentBits.dimension());
    }
    this.model = model;
    this.independentBits = independentBits;
    this.modelReference = modelReference;
    this.independentBitsReference = independentBitsReference;
  }

  public DensityModel model() {
    return model;
  }

  public BernoulliMixture independentBits() {
    return independentBits;
  }

  public ReferenceDistribution modelReference() {
    return modelReference;
  }

  public ReferenceDistribution independentBitsReference() {
    return independentBitsReference;
  }

  @Override
  public String kind() {
    return model.kind();
  }

  @Override
  public int dimension() {
    return model.dimension();
  }

  @Override
  public double logLikelihood(BitVector x) {
    return model.logLikelihood(x);
  }

  @Override
  public LatentSummary latent(BitVector x) {
    return model.latent(x);
  }

  @Override
  public Scored score(BitVector x) {
    Scored scored = model.score(x);
    return new Scored(scored.logLikelihood(), scored.latent(),
        detectionScore(scored.logLikelihood(), independentBits.logLikelihood(x)));
  }

  /** Fisher's statistic, halved: the sum of the two log p-values (≤ 0). */
  public double detectionScore(double modelLogLikelihood, double independentBitsLogLikelihood) {
    return modelReference.logPValue(modelLogLikelihood)
        + independentBitsReference.logPValue(independentBitsLogLikelihood);
  }

  /**
   * The detection score of an event of the holdout the references were built from, its own
   * p-values taken against the other holdout events ({@link
   * ReferenceDistribution#logPValueOfMember}): what the threshold is calibrated on.
   */
  public double holdoutDetectionScore(
      double modelLogLikelihood, double independentBitsLogLikelihood) {
    return modelReference.logPValueOfMember(modelLogLikelihood)
        + independentBitsReference.logPValueOfMember(independentBitsLogLikelihood);
  }

  @Override
  public List<FeatureContribution> explain(BitVector x, int count) {
    return model.explain(x, count);
  }

  @Override
  public BitVector sample(RandomGenerator random) {
    return model.sample(random);
  }

  @Override
  public String toString() {
    return model + " with independent bits (Fisher)";
  }
}
