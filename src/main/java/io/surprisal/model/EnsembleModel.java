package io.surprisal.model;

import io.surprisal.event.BitVector;
import io.surprisal.event.FeatureContribution;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A model scored together with low-capacity companions fitted on the same traffic (independent
 * bits; a tree of pairwise dependencies): each member's log-likelihood becomes its p-value
 * against the holdout ({@link ReferenceDistribution}), and the detection score is the log of
 * their combination ({@link Combination}). Lower is more surprising, as for a log-likelihood, and
 * the threshold is calibrated on it the same way. The model's own member can be its
 * complexity-corrected log-likelihood ({@link ModelStatistic}).
 *
 * <p>Why several: a flexible model ranks the anomalies that break the structure of normal events
 * (which pixels go together), but it also learns what recurs in its training window, anomalies
 * included, and on a few hundred rows it fits noise. Independent bits can learn neither, and rank
 * rare values first; a dependency tree ranks broken pairwise habits first (a bit on without the
 * one it always comes with), which sparse one-hot data is made of. Each fails where another holds:
 * on the data sets of docs/quality.md the combination was never far below the best member, while
 * each alone was far below another somewhere.
 *
 * <p>Everything else is the model's own: log p(x) (what every score carries), the latent readout,
 * the features that explain an alert, the samples it draws, its kind.
 */
public final class EnsembleModel implements DensityModel {
  /** The most companions a record may declare. */
  public static final int MAX_COMPANIONS = 4;

  /** One member: a model and how its log-likelihoods spread over the holdout. */
  public record Member(DensityModel model, ReferenceDistribution reference) {
    public Member {
      if (model == null || reference == null) {
        throw new IllegalArgumentException("a member needs a model and a reference (not null)");
      }
      if (model instanceof EnsembleModel) {
        throw new IllegalArgumentException("an ensemble's member cannot itself be an ensemble");
      }
    }
  }

  /** What the model's member turns into a p-value. */
  public enum ModelStatistic {
    /** log p(x) itself. */
    LOG_LIKELIHOOD(0),
    /**
     * log p(x) + {@link GenericCodeLength}: how much less probable the model finds x than its
     * simplicity alone would make it (Serrà et al., ICLR 2020). Raw likelihood ranks simple events
     * (few bits on, long runs) as normal, whatever they are; on Fashion-MNIST this lifted the
     * model's ROC-AUC from 0.862 to 0.905 (docs/quality.md).
     */
    COMPLEXITY_CORRECTED(1);

    private final int code;

    ModelStatistic(int code) {
      this.code = code;
    }

    /** Its byte in a model record. */
    public int code() {
      return code;
    }

    /** @throws IllegalArgumentException for a code no statistic has */
    public static ModelStatistic ofCode(int code) {
      for (ModelStatistic statistic : values()) {
        if (statistic.code == code) return statistic;
      }
      throw new IllegalArgumentException("unknown model statistic code " + code);
    }
  }

  /** How the members' p-values become one score. */
  public enum Combination {
    /**
     * Fisher's method, halved: the sum of the log p-values. It adds up evidence that every member
     * sees a little of, but it assumes independent members, and ours are not: where two
     * companions rank alike (as on structureless traffic) the calibrated threshold of the sum
     * sits near 2·log q, and an event only the model finds improbable never reaches it (0 of 40
     * such events alerted at q = 0.01 in EnsembleScoreTest). The records of kind code 4 use it.
     */
    FISHER(0),
    /**
     * log of the harmonic mean of the smoothed p-values (Wilson, PNAS 2019), m / Σ 1/p_i:
     * dominated by the smallest, valid whatever the dependence between members, so one member
     * that finds an event improbable is enough. Its lowest values come from the members' lowest
     * ranks, so the p-values are smoothed ({@link ReferenceDistribution#logPValue(double,
     * double)}, ties broken by a number drawn from the event's bits): unsmoothed, the threshold
     * sat on their steps and realized 1.52 q at q = 0.001 on holdouts of 2,000.
     */
    HARMONIC_MEAN(1);

    private final int code;

    Combination(int code) {
      this.code = code;
    }

    /** Its byte in a model record. */
    public int code() {
      return code;
    }

    /** @throws IllegalArgumentException for a code no combination has */
    public static Combination ofCode(int code) {
      for (Combination combination : values()) {
        if (combination.code == code) return combination;
      }
      throw new IllegalArgumentException("unknown combination code " + code);
    }

    /** The u a member's p-value is smoothed with: 1 (none) for Fisher's sum. */
    double smoothing(BitVector x, int member) {
      return this == FISHER ? 1.0 : EventRandom.uniform(x, member);
    }

    /** The combined score of the members' log p-values: at most 0, lower more surprising. */
    double combine(double[] logPValues) {
      if (this == FISHER) {
        double sum = 0;
        for (double logP : logPValues) sum += logP;
        return sum;
      }
      // log(m / Σ exp(−log p_i)), the sum taken around its largest term.
      double largest = Double.NEGATIVE_INFINITY;
      for (double logP : logPValues) largest = Math.max(largest, -logP);
      double sum = 0;
      for (double logP : logPValues) sum += Math.exp(-logP - largest);
      return Math.min(0.0, Math.log(logPValues.length) - largest - Math.log(sum));
    }
  }

  private final Member model;
  private final ModelStatistic statistic;
  private final Combination combination;
  /** Null unless the statistic is {@link ModelStatistic#COMPLEXITY_CORRECTED}. */
  private final GenericCodeLength codeLength;
  private final List<Member> companions;

  /**
   * @param model the model whose log p(x), latent readout and explanation every score carries,
   *     with the reference of its statistic's holdout values
   * @param statistic what the model's member turns into a p-value
   * @param combination how the members' p-values become one score
   * @param companions 1..{@link #MAX_COMPANIONS} models of the same L
   */
  public EnsembleModel(Member model, ModelStatistic statistic, Combination combination,
      List<Member> companions) {
    if (model == null || statistic == null || combination == null) {
      throw new IllegalArgumentException(
          "model, statistic and combination must be given (not null)");
    }
    if (companions.isEmpty() || companions.size() > MAX_COMPANIONS) {
      throw new IllegalArgumentException("an ensemble needs 1.." + MAX_COMPANIONS
          + " companions, got " + companions.size());
    }
    int dimension = model.model().dimension();
    for (Member companion : companions) {
      if (companion.model().dimension() != dimension) {
        throw new IllegalArgumentException("every companion must have L = " + dimension
            + " like the model, got " + companion.model().dimension() + " ("
            + companion.model().kind() + ")");
      }
    }
    this.model = model;
    this.statistic = statistic;
    this.combination = combination;
    this.codeLength = statistic == ModelStatistic.COMPLEXITY_CORRECTED
        ? new GenericCodeLength(dimension) : null;
    this.companions = List.copyOf(companions);
  }

  public ModelStatistic statistic() {
    return statistic;
  }

  public Combination combination() {
    return combination;
  }

  /** The value of x the model's member takes its p-value of, given the model's log p(x). */
  public double modelStatistic(BitVector x, double logLikelihood) {
    return codeLength == null ? logLikelihood : logLikelihood + codeLength.nats(x);
  }

  public DensityModel model() {
    return model.model();
  }

  public ReferenceDistribution modelReference() {
    return model.reference();
  }

  public List<Member> companions() {
    return companions;
  }

  /** The model first, then the companions: the order of {@link #holdoutDetectionScore}'s values. */
  public int members() {
    return 1 + companions.size();
  }

  @Override
  public String kind() {
    return model.model().kind();
  }

  @Override
  public int dimension() {
    return model.model().dimension();
  }

  @Override
  public double logLikelihood(BitVector x) {
    return model.model().logLikelihood(x);
  }

  @Override
  public LatentSummary latent(BitVector x) {
    return model.model().latent(x);
  }

  /** The members' log p-values combined (≤ 0), with the model's log p(x) and latent readout. */
  @Override
  public Scored score(BitVector x) {
    Scored scored = model.model().score(x);
    double[] logPValues = new double[members()];
    logPValues[0] = model.reference().logPValue(
        modelStatistic(x, scored.logLikelihood()), combination.smoothing(x, 0));
    for (int i = 0; i < companions.size(); i++) {
      Member companion = companions.get(i);
      logPValues[i + 1] = companion.reference().logPValue(
          companion.model().logLikelihood(x), combination.smoothing(x, i + 1));
    }
    return new Scored(scored.logLikelihood(), scored.latent(), combination.combine(logPValues));
  }

  /**
   * The detection score of an event of the holdout the references were built from, its own
   * p-values taken against the other holdout events ({@link
   * ReferenceDistribution#logPValueOfMember}): what the threshold is calibrated on.
   *
   * @param x the holdout event
   * @param values its {@link #modelStatistic}, then its log-likelihood under each companion
   */
  public double holdoutDetectionScore(BitVector x, double... values) {
    if (values.length != members()) {
      throw new IllegalArgumentException("need " + members() + " values, got " + values.length);
    }
    double[] logPValues = new double[values.length];
    logPValues[0] =
        model.reference().logPValueOfMember(values[0], combination.smoothing(x, 0));
    for (int i = 0; i < companions.size(); i++) {
      logPValues[i + 1] = companions.get(i).reference()
          .logPValueOfMember(values[i + 1], combination.smoothing(x, i + 1));
    }
    return combination.combine(logPValues);
  }

  @Override
  public List<FeatureContribution> explain(BitVector x, int count) {
    return model.model().explain(x, count);
  }

  @Override
  public BitVector sample(RandomGenerator random) {
    return model.model().sample(random);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(model.model().toString());
    if (codeLength != null) text.append(" (complexity-corrected)");
    text.append(" with ");
    for (int i = 0; i < companions.size(); i++) {
      if (i > 0) text.append(i == companions.size() - 1 ? " and " : ", ");
      text.append(describe(companions.get(i).model()));
    }
    return text.append(combination == Combination.FISHER ? " (Fisher)" : " (harmonic mean)")
        .toString();
  }

  private static String describe(DensityModel companion) {
    if (companion instanceof BernoulliMixture mixture && mixture.components() == 1) {
      return "independent bits";
    }
    if (companion instanceof DependencyTree) return "a dependency tree";
    return companion.toString();
  }
}
