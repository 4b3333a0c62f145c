package io.surprisal.model;

import io.surprisal.event.BitVector;
import io.surprisal.event.FeatureContribution;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A model scored together with low-capacity companions fitted on the same traffic (independent
 * bits; a tree of pairwise dependencies), all combined by Fisher's method: each member's
 * log-likelihood becomes its p-value against the holdout ({@link ReferenceDistribution}), and the
 * detection score is the sum of their logs. Lower is more surprising, as for a log-likelihood,
 * and the threshold is calibrated on that sum the same way. The model's own member can be its
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

    /**
     * The statistic's value of x, given log p(x): the one definition the trainer's holdout
     * references and the scoring of new events share.
     *
     * @param code the code lengths of x's L, read when complexity-corrected
     */
    public double value(BitVector x, double logLikelihood, GenericCodeLength code) {
      return logLikelihood + correction(x, code);
    }

    /** What the statistic adds to x's log p(x): its code length in nats, or 0. */
    double correction(BitVector x, GenericCodeLength code) {
      return this == COMPLEXITY_CORRECTED ? code.nats(x) : 0;
    }

    /** @throws IllegalArgumentException for a code no statistic has */
    public static ModelStatistic ofCode(int code) {
      for (ModelStatistic statistic : values()) {
        if (statistic.code == code) return statistic;
      }
      throw new IllegalArgumentException("unknown model statistic code " + code);
    }
  }

  private final Member model;
  private final ModelStatistic statistic;
  /** Null unless the statistic is {@link ModelStatistic#COMPLEXITY_CORRECTED}. */
  private final GenericCodeLength codeLength;
  private final List<Member> companions;

  /**
   * @param model the model whose log p(x), latent readout and explanation every score carries,
   *     with the reference of its statistic's holdout values
   * @param statistic what the model's member turns into a p-value
   * @param companions 1..{@link #MAX_COMPANIONS} models of the same L
   */
  public EnsembleModel(Member model, ModelStatistic statistic, List<Member> companions) {
    this(model, statistic,
        model == null ? null : new GenericCodeLength(model.model().dimension()), companions);
  }

  /**
   * @param codeLength the code lengths a {@link ModelStatistic#COMPLEXITY_CORRECTED} statistic
   *     adds, of the model's L; ignored for the other statistic
   */
  public EnsembleModel(Member model, ModelStatistic statistic, GenericCodeLength codeLength,
      List<Member> companions) {
    if (model == null || statistic == null) {
      throw new IllegalArgumentException("model and statistic must be given (not null)");
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
    if (statistic == ModelStatistic.COMPLEXITY_CORRECTED
        && (codeLength == null || codeLength.dimension() != dimension)) {
      throw new IllegalArgumentException("a complexity-corrected ensemble needs code lengths of L = "
          + dimension
          + (codeLength == null ? ", got none" : ", got L = " + codeLength.dimension()));
    }
    this.codeLength = statistic == ModelStatistic.COMPLEXITY_CORRECTED ? codeLength : null;
    this.companions = List.copyOf(companions);
  }

  public ModelStatistic statistic() {
    return statistic;
  }

  /** The code lengths the corrected statistic adds, or null when it is log p(x) itself. */
  public GenericCodeLength codeLength() {
    return codeLength;
  }

  /** The value of x the model's member takes its p-value of, given the model's log p(x). */
  public double modelStatistic(BitVector x, double logLikelihood) {
    return statistic.value(x, logLikelihood, codeLength);
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

  /**
   * A companion's statistic of x, given its log p(x): that log p(x), plus x's code length when the
   * code has a lag. A lag means the bits have a layout (rows of an image) that the coder measures
   * simplicity by well, and then every member's likelihood is dominated by it, not the model's
   * alone: on Fashion-MNIST independent bits rose from 0.862 to 0.876 corrected, the tree from
   * 0.826 to 0.906, and the ensemble from 0.909 to 0.931 (docs/models.md). Without a lag the
   * companions stay raw: their rare values and broken pairs are what they add on tabular bits,
   * where the correction sank them (spambase: 0.775 to 0.50 for the model alone).
   *
   * @param code the ensemble's code lengths, or null when the model's statistic is log p(x)
   */
  public static double companionStatistic(
      GenericCodeLength code, BitVector x, double logLikelihood) {
    return correctsCompanions(code) ? logLikelihood + code.nats(x) : logLikelihood;
  }

  /** Whether the companions are corrected too: by a code with a lag (see companionStatistic). */
  private static boolean correctsCompanions(GenericCodeLength code) {
    return code != null && code.lag() > 0;
  }

  /** Fisher's statistic, halved: the sum of every member's log p-value (≤ 0). */
  @Override
  public Scored score(BitVector x) {
    double nats = codeNats(x);
    return combine(model.model().score(x), nats, companionLogPValues(x, nats));
  }

  /** x's code length when a member is corrected, else 0: computed once per score. */
  private double codeNats(BitVector x) {
    return codeLength == null ? 0 : codeLength.nats(x);
  }

  /**
   * As {@link #score(BitVector)}, with the model told where its log p(x) decides the alert: the
   * companions are scored first (they are cheap), which leaves the model's member the log p-value
   * it must reach for the sum to reach the threshold; its reference's inverse turns that into a
   * value of the statistic, and the statistic's inverse into a log p(x).
   */
  @Override
  public Scored score(BitVector x, double threshold) {
    // x's code length once, for every member's statistic and the boundary alike.
    double correction = codeNats(x);
    double[] companionLogPValues = companionLogPValues(x, correction);
    double others = 0;
    for (double logPValue : companionLogPValues) others += logPValue;
    double boundary = Double.NaN;
    if (!Double.isNaN(threshold)) {
      boundary = model.reference().inverseLogPValue(threshold - others) - correction;
    }
    return combine(model.model().score(x, boundary), correction, companionLogPValues);
  }

  /** @param nats x's code length, added to the companions' log p(x) when the code has a lag */
  private double[] companionLogPValues(BitVector x, double nats) {
    double companionCorrection = correctsCompanions(codeLength) ? nats : 0;
    double[] logPValues = new double[companions.size()];
    for (int i = 0; i < logPValues.length; i++) {
      Member companion = companions.get(i);
      logPValues[i] = companion.reference().logPValue(
          companion.model().logLikelihood(x) + companionCorrection);
    }
    return logPValues;
  }

  /** The model's log p-value first, then the companions' in order: the same sum every time. */
  private Scored combine(Scored scored, double correction, double[] companionLogPValues) {
    double sum = model.reference().logPValue(scored.logLikelihood() + correction);
    for (double logPValue : companionLogPValues) sum += logPValue;
    return new Scored(scored.logLikelihood(), scored.latent(), sum, scored.samples());
  }

  /**
   * The detection score of an event of the holdout the references were built from, its own
   * p-values taken against the other holdout events ({@link
   * ReferenceDistribution#logPValueOfMember}): what the threshold is calibrated on.
   *
   * @param values the event's {@link #modelStatistic}, then its {@link #companionStatistic} of
   *     each companion
   */
  public double holdoutDetectionScore(double... values) {
    if (values.length != members()) {
      throw new IllegalArgumentException("need " + members() + " values, got " + values.length);
    }
    double sum = model.reference().logPValueOfMember(values[0]);
    for (int i = 0; i < companions.size(); i++) {
      sum += companions.get(i).reference().logPValueOfMember(values[i + 1]);
    }
    return sum;
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
    if (codeLength != null) {
      text.append(codeLength.lag() == 0
          ? " (complexity-corrected)" : " (complexity-corrected, lag " + codeLength.lag() + ")");
    }
    text.append(" with ");
    for (int i = 0; i < companions.size(); i++) {
      if (i > 0) text.append(i == companions.size() - 1 ? " and " : ", ");
      text.append(describe(companions.get(i).model()));
    }
    return text.append(" (Fisher)").toString();
  }

  private static String describe(DensityModel companion) {
    if (companion instanceof BernoulliMixture mixture && mixture.components() == 1) {
      return "independent bits";
    }
    if (companion instanceof DependencyTree) return "a dependency tree";
    return companion.toString();
  }
}
