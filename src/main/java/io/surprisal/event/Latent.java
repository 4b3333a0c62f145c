package io.surprisal.event;

/**
 * The latent readout carried by a score or an alert: the most probable state of the model's latent
 * variable given the event, and its posterior probability. For a mixture, the state is a component
 * index ("7"); for the binary-latent model, the code z as K bits, z_0 first ("01100000").
 */
public record Latent(String state, double probability) {}
