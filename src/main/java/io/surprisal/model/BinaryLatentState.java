package io.surprisal.model;

/**
 * The saved form of a {@link BinaryLatentModel}: shapes and primitive arrays only. Weight matrices
 * are input-major (see {@link BinaryInputMlp}); a hidden width of 0 means an affine network with
 * empty first-layer arrays.
 *
 * @param latent K
 * @param dimension L
 * @param decoderHidden H of the decoder (K → L)
 * @param encoderHidden hidden width of the inference network (L → K)
 * @param priorLogOdds η, K values, ρ = σ(η)
 * @param decoderMiddleWeights the decoder's tanh layers after its first, H·H values each (none
 *     for one tanh layer); likewise the biases and the encoder's
 */
public record BinaryLatentState(
    int latent,
    int dimension,
    int decoderHidden,
    int encoderHidden,
    int enumerationLimit,
    int scoringSamples,
    double[] priorLogOdds,
    double[] decoderW1,
    double[] decoderB1,
    double[] decoderW2,
    double[] decoderB2,
    double[] encoderW1,
    double[] encoderB1,
    double[] encoderW2,
    double[] encoderB2,
    double[][] decoderMiddleWeights,
    double[][] decoderMiddleBiases,
    double[][] encoderMiddleWeights,
    double[][] encoderMiddleBiases) {

  /** Whether either network has more than one tanh layer, which the deeper payload carries. */
  boolean deep() {
    return decoderMiddleWeights.length > 0 || encoderMiddleWeights.length > 0;
  }
}
