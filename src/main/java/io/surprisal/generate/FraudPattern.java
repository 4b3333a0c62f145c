package io.surprisal.generate;

import static io.surprisal.generate.FraudFeatures.*;

import java.util.SplittableRandom;

/**
 * The injected fraud: transactions that combine features normal customers show rarely, or
 * never, together. Each pattern sets its defining bits always and its looser ones by chance, so
 * the injected events are not one fixed vector.
 */
public enum FraudPattern {
  /** Small online charges at new merchants in quick succession, after declines: a stolen card tried out. */
  CARD_TESTING {
    @Override
    void fill(int[] bits, SplittableRandom random) {
      set(bits, ONLINE, AMOUNT_UNDER_10, MCC_DIGITAL_GOODS, NEW_MERCHANT, VELOCITY_HIGH);
      maybe(bits, random, 0.7, DECLINED_RECENTLY);
      maybe(bits, random, 0.5, NEW_DEVICE, NIGHT_TIME);
    }
  },
  /** A new device with a different address buying high-risk goods for a large amount. */
  ACCOUNT_TAKEOVER {
    @Override
    void fill(int[] bits, SplittableRandom random) {
      set(bits, ONLINE, NEW_DEVICE, ADDRESS_MISMATCH, HIGH_RISK_MCC);
      set(bits, random.nextDouble() < 0.6 ? AMOUNT_200_TO_1000 : AMOUNT_OVER_1000);
      maybe(bits, random, 0.8, NEW_MERCHANT);
      maybe(bits, random, 0.6, NIGHT_TIME);
      maybe(bits, random, 0.3, FOREIGN_MERCHANT);
    }
  },
  /** A skimmed card emptied at foreign ATMs at night, several times in a row, after wrong PINs. */
  ATM_CASH_OUT {
    @Override
    void fill(int[] bits, SplittableRandom random) {
      set(bits, CARD_PRESENT, ATM_WITHDRAWAL, PIN_VERIFIED, FOREIGN_MERCHANT, NIGHT_TIME,
          VELOCITY_HIGH);
      set(bits, random.nextDouble() < 0.5 ? AMOUNT_200_TO_1000 : AMOUNT_OVER_1000);
      maybe(bits, random, 0.8, DECLINED_RECENTLY);
    }
  },
  /** Large in-store purchases of gift cards at merchants the card never used, in a burst. */
  GIFT_CARD_BUST_OUT {
    @Override
    void fill(int[] bits, SplittableRandom random) {
      set(bits, CARD_PRESENT, HIGH_RISK_MCC, AMOUNT_OVER_1000, VELOCITY_HIGH, NEW_MERCHANT);
      set(bits, random.nextDouble() < 0.3 ? CONTACTLESS : PIN_VERIFIED);
    }
  };

  /** Sets this pattern's bits in an all-zero vector of {@link FraudFeatures#dimension()} bits. */
  abstract void fill(int[] bits, SplittableRandom random);

  private static void set(int[] bits, int... features) {
    for (int f : features) bits[f] = 1;
  }

  private static void maybe(int[] bits, SplittableRandom random, double p, int... features) {
    for (int f : features) if (random.nextDouble() < p) bits[f] = 1;
  }
}
