package io.surprisal.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Figures of detection quality from anomaly scores and labels. A score is larger for a row judged
 * more anomalous (the evaluation passes the surprisal, −log p(x)).
 */
public final class DetectionMetrics {
  private DetectionMetrics() {}

  /**
   * ROC-AUC by ranks (the Mann–Whitney statistic): the probability that a random anomalous row
   * scores above a random normal one, a tie counting 1/2. Tied scores share their average rank,
   * which gives exactly that half.
   *
   * @throws IllegalArgumentException when either class is empty or a score is NaN
   */
  public static double rocAuc(double[] scores, boolean[] anomalous) {
    long positives = count(anomalous, scores);
    long negatives = scores.length - positives;
    Integer[] order = ascending(scores);
    double positiveRankSum = 0;
    for (int start = 0; start < order.length; ) {
      int end = start;
      while (end + 1 < order.length && scores[order[end + 1]] == scores[order[start]]) end++;
      double averageRank = (start + end) / 2.0 + 1; // ranks are 1-based
      for (int i = start; i <= end; i++) {
        if (anomalous[order[i]]) positiveRankSum += averageRank;
      }
      start = end + 1;
    }
    double u = positiveRankSum - positives * (positives + 1) / 2.0;
    return u / ((double) positives * negatives);
  }

  /**
   * PR-AUC as average precision: Σ_t (R_t − R_{t−1})·P_t over the distinct score values t taken as
   * thresholds from the highest down (flag every row scoring ≥ t). Tied rows enter together, at one
   * threshold, so their order does not matter (the definition of scikit-learn's
   * average_precision_score).
   */
  public static double averagePrecision(double[] scores, boolean[] anomalous) {
    long positives = count(anomalous, scores);
    Integer[] order = ascending(scores);
    double sum = 0;
    long truePositives = 0;
    long flagged = 0;
    for (int end = order.length - 1; end >= 0; ) {
      int start = end;
      while (start - 1 >= 0 && scores[order[start - 1]] == scores[order[end]]) start--;
      long newPositives = 0;
      for (int i = start; i <= end; i++) {
        if (anomalous[order[i]]) newPositives++;
      }
      truePositives += newPositives;
      flagged += end - start + 1;
      sum += (double) newPositives / positives * truePositives / flagged;
      end = start - 1;
    }
    return sum;
  }

  /**
   * The ROC curve's corners: for each distinct score from the highest down, the false and true
   * positive rates of flagging every row scoring at or above it, starting at (0, 0) and ending at
   * (1, 1). Tied rows move the curve diagonally together; the area under these points by the
   * trapezoid rule equals {@link #rocAuc}.
   */
  public static RocCurve rocCurve(double[] scores, boolean[] anomalous) {
    long positives = count(anomalous, scores);
    long negatives = scores.length - positives;
    Integer[] order = ascending(scores);
    List<double[]> points = new ArrayList<>();
    points.add(new double[] {0, 0});
    long truePositives = 0;
    long falsePositives = 0;
    for (int end = order.length - 1; end >= 0; ) {
      int start = end;
      while (start - 1 >= 0 && scores[order[start - 1]] == scores[order[end]]) start--;
      for (int i = start; i <= end; i++) {
        if (anomalous[order[i]]) truePositives++;
        else falsePositives++;
      }
      points.add(new double[] {(double) falsePositives / negatives, (double) truePositives / positives});
      end = start - 1;
    }
    double[] fpr = new double[points.size()];
    double[] tpr = new double[points.size()];
    for (int i = 0; i < fpr.length; i++) {
      fpr[i] = points.get(i)[0];
      tpr[i] = points.get(i)[1];
    }
    return new RocCurve(fpr, tpr);
  }

  /** Points of a ROC curve, false positive rate ascending. */
  public record RocCurve(double[] falsePositiveRate, double[] truePositiveRate) {}

  /** The share of these log-likelihoods strictly below the threshold: the rows that alert. */
  public static double shareBelow(double[] logLikelihoods, double threshold) {
    if (logLikelihoods.length == 0) {
      throw new IllegalArgumentException("need at least one log-likelihood, got none");
    }
    long below = Arrays.stream(logLikelihoods).filter(v -> v < threshold).count();
    return (double) below / logLikelihoods.length;
  }

  private static long count(boolean[] anomalous, double[] scores) {
    if (anomalous.length != scores.length) {
      throw new IllegalArgumentException(
          "scores and labels must have equal length, got " + scores.length + " and " + anomalous.length);
    }
    for (int i = 0; i < scores.length; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("scores[" + i + "] is NaN");
      }
    }
    long positives = IntStream.range(0, anomalous.length).filter(i -> anomalous[i]).count();
    if (positives == 0 || positives == scores.length) {
      throw new IllegalArgumentException(
          "need at least one anomalous and one normal row, got " + positives + " anomalous of "
              + scores.length);
    }
    return positives;
  }

  private static Integer[] ascending(double[] scores) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    return order;
  }
}
