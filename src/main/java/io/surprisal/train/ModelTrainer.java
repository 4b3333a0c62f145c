package io.surprisal.train;

import io.surprisal.event.BitVector;
import io.surprisal.model.DensityModel;
import java.util.List;

/** Fits one model family to a training slice. Implementations carry their hyperparameters. */
public interface ModelTrainer {

  /**
   * Fits a model to {@code rows}, all of one dimension.
   *
   * @throws IllegalArgumentException when the rows are too few or of mixed dimension
   */
  DensityModel fit(List<BitVector> rows);
}
