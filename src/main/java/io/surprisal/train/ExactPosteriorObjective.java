package io.surprisal.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Log-likelihood and its exact gradients for a binary-latent model small enough to enumerate its
 * 2^K codes, on one minibatch, with hand-derived batched products (no autodiff graph).
 *
 * <p>Decoder on all C = 2^K codes at once (Z is C×K): Λ = tanh(Z·U1 + b1)·U2 + b2 (C×L; with
 * more tanh layers, each reads the one below), and the
 * log joint J = X·Λᵀ + β (N×C, one F-order gemm, as in {@link ExpectationMaximization}) with
 * β_c = log p(z_c) − Σ_d softplus(Λ_cd). The posterior R = softmax_rows(J). By Fisher's identity
 * ∇ log p(x) = E_{p(z|x)}[∇ log p(x, z)], so with R held fixed the gradient of the expected complete
 * log-likelihood is the exact gradient of the mean log-likelihood:
 * ∂/∂Λ = (RᵀX − diag(r)·σ(Λ)) / N with r the column sums of R, then ordinary backpropagation
 * through the decoder; ∂/∂η = (rᵀZ)/N − σ(η) for the prior.
 *
 * <p>The inference network q(z|x) = Π_j Bernoulli(σ(Q_j)) is fitted at the same time to the exact
 * posterior marginals M = R·Z (N×K) by maximizing E_{p(z|x)}[log q(z|x)], i.e. minimizing
 * KL(p(z|x) ‖ q(z|x)), the wake-phase q update of reweighted wake-sleep with exact weights:
 * ∂/∂Q = (M − σ(Q)) / N.
 */
final class ExactPosteriorObjective {
  private final INDArray codes;

  /** @param latent K; all 2^K codes, bit j of row c being z_j, as a C×K F-order matrix */
  ExactPosteriorObjective(int latent) {
    int count = 1 << latent;
    double[] values = new double[count * latent];
    for (int j = 0; j < latent; j++) {
      for (int c = 0; c < count; c++) values[j * count + c] = (c >> j) & 1;
    }
    this.codes = Nd4j.create(values, new long[] {count, latent}, 'f');
  }

  /**
   * @param meanLogLikelihood mean log p(x) over the batch, exact
   * @param meanLogProposal mean E_{p(z|x)}[log q(z|x)], the inference network's objective
   * @param gradient of meanLogLikelihood for the decoder and prior arrays, of meanLogProposal for
   *     the encoder arrays; null when not asked for
   */
  record Evaluation(
      double meanLogLikelihood, double meanLogProposal, BinaryLatentParameters gradient) {}

  /** Mean log p(x) over the rows of x, without gradients. */
  double meanLogLikelihood(INDArray x, BinaryLatentParameters p) {
    Decoded decoded = decode(p);
    return rowLogSumExp(joint(x, decoded)).meanNumber().doubleValue();
  }

  Evaluation evaluate(INDArray x, BinaryLatentParameters p) {
    double n = x.rows();
    Decoded decoded = decode(p);
    INDArray joint = joint(x, decoded);
    INDArray logNorm = rowLogSumExp(joint);
    double meanLogLikelihood = logNorm.meanNumber().doubleValue();
    INDArray posterior = Transforms.exp(joint.subiColumnVector(logNorm), false); // R, N×C

    // Decoder and prior.
    INDArray counts = posterior.sum(true, 0); // r, 1×C
    INDArray gLogits = posterior.transpose().mmul(x); // RᵀX, C×L
    gLogits.subi(Transforms.sigmoid(decoded.logits, true).muliColumnVector(counts.transpose()));
    gLogits.divi(n);
    TanhNetwork gDecoder = p.decoder().backward(decoded.pass, gLogits);
    INDArray gEta = counts.mmul(codes).divi(n).subi(Transforms.sigmoid(p.eta(), true));

    // Inference network, toward the exact posterior marginals.
    INDArray marginals = posterior.mmul(codes); // M, N×K
    TanhNetwork.Pass encoded = p.encoder().forward(x);
    INDArray proposal = encoded.output();
    double meanLogProposal =
        marginals.mul(proposal).subi(softplus(proposal)).sumNumber().doubleValue() / n;
    INDArray gProposal = marginals.subi(Transforms.sigmoid(proposal, true)).divi(n);
    return new Evaluation(meanLogLikelihood, meanLogProposal, new BinaryLatentParameters(
        TanhNetwork.inCOrder(gEta), gDecoder, p.encoder().backward(encoded, gProposal)));
  }

  /** The decoder's pass over every code, its log-odds Λ, and β. */
  private record Decoded(TanhNetwork.Pass pass, INDArray logits, INDArray bias) {}

  private Decoded decode(BinaryLatentParameters p) {
    TanhNetwork.Pass pass = p.decoder().forward(codes);
    INDArray logits = pass.output();
    // β_c = Σ_j z_cj η_j − Σ_j softplus(η_j) − Σ_d softplus(Λ_cd)
    INDArray bias = codes.mmul(p.eta().transpose());
    bias.subi(softplus(p.eta()).sumNumber().doubleValue());
    bias.subi(softplus(logits).sum(true, 1));
    return new Decoded(pass, logits, bias);
  }

  /** N×C log p(x_n, z_c). */
  private static INDArray joint(INDArray x, Decoded decoded) {
    return x.mmul(decoded.logits.transpose()).addiRowVector(decoded.bias.transpose());
  }

  /** log(1 + e^a) elementwise, as max(a, 0) + log1p(e^−|a|) so that no exp overflows. */
  static INDArray softplus(INDArray a) {
    INDArray tail = Transforms.log1p(Transforms.exp(Transforms.abs(a, true).negi(), false), false);
    return Transforms.relu(a, true).addi(tail);
  }

  /** Column N×1 of log Σ_c exp(joint[n,c]), computed stably. */
  static INDArray rowLogSumExp(INDArray joint) {
    INDArray max = joint.max(true, 1);
    INDArray shifted = joint.subColumnVector(max);
    return Transforms.log(Transforms.exp(shifted, false).sum(true, 1), false).addi(max);
  }
}
