package io.surprisal.generate;

import java.util.List;

/**
 * The bits of a card transaction in the fraud scenario; bit i of an event is feature
 * {@code NAMES.get(i)}. The amount bands are one-hot (exactly one is set); so is the channel
 * (in store, online, or ATM); at most one merchant category is set.
 */
public final class FraudFeatures {
  public static final int CARD_PRESENT = 0;
  public static final int ONLINE = 1;
  public static final int ATM_WITHDRAWAL = 2;
  public static final int CONTACTLESS = 3;
  public static final int PIN_VERIFIED = 4;
  public static final int THREE_DS_AUTHENTICATED = 5;
  public static final int RECURRING = 6;
  public static final int FOREIGN_MERCHANT = 7;
  public static final int NIGHT_TIME = 8;
  public static final int WEEKEND = 9;
  public static final int AMOUNT_UNDER_10 = 10;
  public static final int AMOUNT_10_TO_50 = 11;
  public static final int AMOUNT_50_TO_200 = 12;
  public static final int AMOUNT_200_TO_1000 = 13;
  public static final int AMOUNT_OVER_1000 = 14;
  public static final int MCC_GROCERY = 15;
  public static final int MCC_FUEL = 16;
  public static final int MCC_RESTAURANT = 17;
  public static final int MCC_TRAVEL = 18;
  public static final int MCC_DIGITAL_GOODS = 19;
  public static final int HIGH_RISK_MCC = 20;
  public static final int NEW_DEVICE = 21;
  public static final int NEW_MERCHANT = 22;
  public static final int ADDRESS_MISMATCH = 23;
  public static final int VELOCITY_HIGH = 24;
  public static final int DECLINED_RECENTLY = 25;

  /** Feature names in bit order; docs/demo.md's fraud scenario lists them with their meaning. */
  public static final List<String> NAMES = List.of(
      "card_present", "online", "atm_withdrawal", "contactless", "pin_verified",
      "three_ds_authenticated", "recurring", "foreign_merchant", "night_time", "weekend",
      "amount_under_10", "amount_10_to_50", "amount_50_to_200", "amount_200_to_1000",
      "amount_over_1000", "mcc_grocery", "mcc_fuel", "mcc_restaurant", "mcc_travel",
      "mcc_digital_goods", "high_risk_mcc", "new_device", "new_merchant", "address_mismatch",
      "velocity_high", "declined_recently");

  /** The amount bands in increasing order: index b of a segment's amount weights is bit 10 + b. */
  static final int[] AMOUNT_BANDS = {
      AMOUNT_UNDER_10, AMOUNT_10_TO_50, AMOUNT_50_TO_200, AMOUNT_200_TO_1000, AMOUNT_OVER_1000};

  /** Merchant categories, index c of a segment's category weights; a last weight means "other". */
  static final int[] CATEGORIES = {
      MCC_GROCERY, MCC_FUEL, MCC_RESTAURANT, MCC_TRAVEL, MCC_DIGITAL_GOODS, HIGH_RISK_MCC};

  private FraudFeatures() {}

  public static int dimension() {
    return NAMES.size();
  }
}
