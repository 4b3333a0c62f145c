package io.surprisal.model;

/**
 * The saved form of a {@link BernoulliMixture}: shapes and primitive arrays only, so the format can
 * evolve without touching the model's computing layout.
 *
 * @param theta K·L values, component-major
 */
public record BernoulliMixtureState(int components, int dimension, double[] weights, double[] theta) {}
