package io.surprisal.generate;

import java.util.List;

/**
 * How one kind of customer pays: the fraud scenario's normal traffic is a weighted blend of a few
 * segments. Weights are relative (they need not sum to 1); probabilities are per transaction.
 *
 * @param channels weights of in store, online, ATM
 * @param amounts weights of the five amount bands, smallest first ({@link FraudFeatures})
 * @param categories weights of grocery, fuel, restaurant, travel, digital goods, high-risk, other
 *     (ATM withdrawals have no merchant category)
 */
public record CustomerSegment(String name, double weight, double[] channels, double[] amounts,
    double[] categories, double foreign, double night, double contactless, double threeDs,
    double recurring, double newMerchant) {

  /** Four segments: everyday shoppers, online shoppers, travellers, business cards. */
  public static final List<CustomerSegment> DEFAULTS = List.of(
      new CustomerSegment("everyday", 0.45, new double[] {0.85, 0.10, 0.05},
          new double[] {0.35, 0.45, 0.17, 0.03, 0.0},
          new double[] {0.40, 0.20, 0.30, 0.0, 0.0, 0.0, 0.10},
          0.01, 0.03, 0.7, 0.6, 0.1, 0.05),
      new CustomerSegment("online", 0.30, new double[] {0.15, 0.85, 0.0},
          new double[] {0.05, 0.40, 0.45, 0.10, 0.0},
          new double[] {0.0, 0.0, 0.10, 0.0, 0.50, 0.02, 0.38},
          0.05, 0.15, 0.8, 0.8, 0.25, 0.2),
      new CustomerSegment("traveller", 0.15, new double[] {0.60, 0.30, 0.10},
          new double[] {0.0, 0.20, 0.40, 0.35, 0.05},
          new double[] {0.0, 0.0, 0.30, 0.50, 0.0, 0.0, 0.20},
          0.7, 0.10, 0.5, 0.7, 0.0, 0.3),
      new CustomerSegment("business", 0.10, new double[] {0.50, 0.50, 0.0},
          new double[] {0.0, 0.0, 0.20, 0.50, 0.30},
          new double[] {0.0, 0.0, 0.20, 0.30, 0.0, 0.0, 0.50},
          0.2, 0.02, 0.3, 0.6, 0.2, 0.1));

  public CustomerSegment {
    channels = requireWeights(name, "channels", channels, 3);
    amounts = requireWeights(name, "amounts", amounts, FraudFeatures.AMOUNT_BANDS.length);
    categories = requireWeights(
        name, "categories", categories, FraudFeatures.CATEGORIES.length + 1);
    if (!(weight > 0)) {
      throw new IllegalArgumentException("segment " + name + ": weight must be > 0, got " + weight);
    }
  }

  private static double[] requireWeights(String segment, String field, double[] w, int length) {
    if (w.length != length) {
      throw new IllegalArgumentException("segment " + segment + ": " + field + " must have "
          + length + " weights, got " + w.length);
    }
    double total = 0;
    for (double v : w) {
      if (!(v >= 0)) {
        throw new IllegalArgumentException(
            "segment " + segment + ": " + field + " weights must be >= 0, got " + v);
      }
      total += v;
    }
    if (!(total > 0)) {
      throw new IllegalArgumentException(
          "segment " + segment + ": " + field + " weights must not all be 0");
    }
    return w.clone();
  }
}
