package io.surprisal.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Reweighted wake-sleep (Bornschein and Bengio, 2015) for a binary-latent model whose 2^K codes are
 * too many to enumerate, on one minibatch, as hand-derived batched products like
 * {@link ExactPosteriorObjective}.
 *
 * <p>Why reweighted wake-sleep rather than VIMCO: both draw k codes z_ns ~ q(z|x_n) and weigh them
 * by w_ns = p(x_n, z_ns)/q(z_ns|x_n). The model's update is the same in both, Σ_s w̃_ns ∇ log
 * p(x_n, z_ns) with w̃ the normalized weights, the gradient of the importance-weighted bound. They
 * differ in the proposal's update: VIMCO follows the bound's score-function gradient with
 * leave-one-out baselines, whose variance still grows with L, while RWS's wake-phase q update
 * Σ_s w̃_ns ∇ log q(z_ns|x_n) moves q toward the posterior (a self-normalized estimate of
 * ∇ KL(p(z|x) ‖ q)), has no score-function variance at all, and is exactly the update the
 * enumerable trainer already makes with the exact posterior in place of w̃. One update rule for
 * the inference network whatever K is.
 *
 * <p>The draws are given as uniforms (kN×K, row s·N + n): z = [u < σ(Q)], so a step is
 * reproducible and the gradient check can hold the codes fixed.
 */
final class ReweightedWakeSleepObjective {

  /**
   * @param meanBound mean over rows of log (1/k) Σ_s w_ns, the IWAE bound on log p(x)
   * @param gradient decoder and prior arrays: the gradient of meanBound with the codes held fixed;
   *     encoder arrays: the wake-phase update Σ_s w̃ ∇ log q(z_s|x) / N
   */
  record Evaluation(double meanBound, BinaryLatentParameters gradient) {}

  Evaluation evaluate(INDArray x, BinaryLatentParameters p, INDArray uniforms) {
    int n = (int) x.rows();
    int draws = (int) (uniforms.rows() / n);
    TanhNetwork.Pass encoded = p.encoder().forward(x);
    INDArray proposal = encoded.output(); // Q, N×K log-odds
    INDArray proposalRep = Nd4j.tile(proposal, draws, 1); // kN×K
    INDArray z = uniforms.lt(Transforms.sigmoid(proposalRep, true)).castTo(x.dataType());
    INDArray xRep = draws == 1 ? x : Nd4j.tile(x, draws, 1);

    TanhNetwork.Pass decoded = p.decoder().forward(z);
    INDArray logits = decoded.output(); // kN×L
    // log w = log p(z) + log p(x|z) − log q(z|x), each a sum of Bernoulli log-probabilities:
    // Σ (y·a − softplus(a)) for log-odds a and outcomes y.
    INDArray logWeight = xRep.mul(logits).subi(ExactPosteriorObjective.softplus(logits)).sum(1);
    INDArray eta = p.eta();
    logWeight.addi(z.mmul(eta.transpose()).reshape(-1))
        .subi(ExactPosteriorObjective.softplus(eta).sumNumber().doubleValue());
    logWeight.subi(
        z.mul(proposalRep).subi(ExactPosteriorObjective.softplus(proposalRep)).sum(1));

    double[] lw = logWeight.toDoubleVector();
    double[] omega = new double[lw.length];
    double boundSum = 0;
    for (int row = 0; row < n; row++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int s = 0; s < draws; s++) max = Math.max(max, lw[s * n + row]);
      double sum = 0;
      for (int s = 0; s < draws; s++) sum += Math.exp(lw[s * n + row] - max);
      double logSum = max + Math.log(sum);
      boundSum += logSum - Math.log(draws);
      for (int s = 0; s < draws; s++) omega[s * n + row] = Math.exp(lw[s * n + row] - logSum) / n;
    }
    INDArray w = Nd4j.create(omega, new long[] {omega.length, 1}); // w̃/N

    // Model (wake phase): Σ w̃ ∇ log p(x, z).
    INDArray gLogits = xRep.sub(Transforms.sigmoid(logits, true)).muliColumnVector(w);
    TanhNetwork gDecoder = p.decoder().backward(decoded, gLogits);
    INDArray gEta = w.transpose().mmul(z.subRowVector(Transforms.sigmoid(eta, true)));

    // Proposal (wake phase q): Σ w̃ ∇ log q(z|x) = Σ_s w̃ (z − σ(Q)), summed over the draws.
    INDArray gProposalRep = z.sub(Transforms.sigmoid(proposalRep, true)).muliColumnVector(w);
    INDArray gProposal = gProposalRep.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).dup();
    for (int s = 1; s < draws; s++) {
      gProposal.addi(
          gProposalRep.get(NDArrayIndex.interval(s * n, (s + 1) * n), NDArrayIndex.all()));
    }
    return new Evaluation(boundSum / n, new BinaryLatentParameters(
        TanhNetwork.inCOrder(gEta), gDecoder, p.encoder().backward(encoded, gProposal)));
  }
}
