package io.surprisal.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The latent readout carried by a score or an alert. For a discrete latent it is the most probable
 * state given the event and its posterior probability: for a mixture a component index ("7"), for
 * the binary-latent model the code z as K bits, z_0 first ("01100000"); {@code mean} is then
 * absent. For the VAE's Gaussian latent there is no most probable state worth naming, so
 * {@code state} and {@code probability} are null and {@code mean} holds the posterior mean E[z|x]
 * (the encoder's mean), one value per latent dimension. Left out of the JSON when null, so the
 * discrete kinds' messages keep their exact form.
 */
public record Latent(
    String state, Double probability, @JsonInclude(JsonInclude.Include.NON_NULL) List<Double> mean) {

  /** A discrete readout: most probable state and its posterior probability. */
  public Latent(String state, double probability) {
    this(state, (Double) probability, null);
  }
}
