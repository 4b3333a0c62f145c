package io.surprisal.model;

/**
 * The saved form of a {@link VaeModel}: shapes and primitive arrays only, weight matrices
 * input-major (see {@link BinaryInputMlp} and {@link RealInputMlp}).
 *
 * @param dimension L
 * @param encoderHidden G, the encoder's hidden width (0: affine)
 * @param latentDimension D
 * @param decoderHidden H, the decoder's hidden width (>= 1)
 * @param scoringSamples S, importance samples per score
 * @param encoderW1 L·G values
 * @param encoderW2 (G or L)·2D values: per input, D mean weights then D log-variance weights
 * @param encoderB2 2D values: mean biases then log-variance biases
 */
public record VaeState(
    int dimension,
    int encoderHidden,
    int latentDimension,
    int decoderHidden,
    int scoringSamples,
    double[] encoderW1,
    double[] encoderB1,
    double[] encoderW2,
    double[] encoderB2,
    double[] decoderW1,
    double[] decoderB1,
    double[] decoderW2,
    double[] decoderB2) {}
