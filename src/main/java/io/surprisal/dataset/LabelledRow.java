package io.surprisal.dataset;

import io.surprisal.event.BitVector;

/**
 * One row of a labelled file.
 *
 * @param id the event's id (JSONL), or null for formats without one (CSV)
 * @param anomalous the label (true = anomaly), or null when the file carries none
 */
public record LabelledRow(String id, BitVector features, Boolean anomalous) {
  public LabelledRow {
    if (features == null) {
      throw new IllegalArgumentException("features must not be null");
    }
  }
}
