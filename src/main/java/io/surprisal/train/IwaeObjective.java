package io.surprisal.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The importance-weighted bound (Burda, Grosse and Salakhutdinov, 2016) of a VAE on one minibatch,
 * and its reparameterized gradient, as hand-derived batched products (no autodiff graph; SameDiff's
 * logSumExp cannot be differentiated in 1.0.0-M2.1, see {@link BinaryLatentTrainer}).
 *
 * <p>For each of the N rows x_n, k draws z_ns = μ_n + σ_n ⊙ ε_ns with ε ~ N(0, I) given by the
 * caller, log weights log w_ns = log p(x_n|z_ns) + log p(z_ns) − log q(z_ns|x_n), and the bound
 * L_k = (1/N) Σ_n log (1/k) Σ_s w_ns. The kN draws are stacked sample-major (row s·N + n) so that the
 * decoder is two gemms over all of them. With w̃_ns = w_ns / Σ_s w_ns the normalized weights,
 * ∇L_k = (1/N) Σ_n Σ_s w̃_ns ∇ log w_ns, where ε is held fixed:
 *
 * <ul>
 *   <li>decoder: ∂/∂a = w̃·(x − σ(a)), backpropagated through the tanh layer;
 *   <li>∂/∂z = (decoder's) − w̃·z from the prior; q's density at fixed ε depends only on the
 *       log-variance v, as −½Σv, so ∂/∂μ = ∂/∂z and ∂/∂v = ∂/∂z ⊙ ε ⊙ σ/2 + w̃/2;
 *   <li>summed over the k draws of each row, then backpropagated through the encoder.
 * </ul>
 */
final class IwaeObjective {

  /**
   * @param meanBound L_k, the mean over rows of log (1/k) Σ_s w_ns
   * @param gradient its gradient, or null when not asked for
   */
  record Evaluation(double meanBound, VaeParameters gradient) {}

  /**
   * @param x N×L bits (F order)
   * @param epsilon kN×D standard normal draws, row s·N + n for draw s of row n
   * @param withGradient whether to compute the gradient (validation needs only the bound)
   */
  Evaluation evaluate(INDArray x, VaeParameters p, INDArray epsilon, boolean withGradient) {
    int n = (int) x.rows();
    int draws = (int) (epsilon.rows() / n);
    if ((long) draws * n != epsilon.rows() || epsilon.columns() != p.latent()) {
      throw new IllegalArgumentException("epsilon must be kN×D = k·" + n + "×" + p.latent()
          + ", got " + epsilon.rows() + "×" + epsilon.columns());
    }
    INDArray hidden = Transforms.tanh(x.mmul(p.v1()).addiRowVector(p.c1()), false); // N×G
    INDArray mean = hidden.mmul(p.vm()).addiRowVector(p.cm()); // N×D
    INDArray logVariance = hidden.mmul(p.vs()).addiRowVector(p.cs()); // N×D
    INDArray sigmaRep = Nd4j.tile(Transforms.exp(logVariance.mul(0.5), false), draws, 1);
    INDArray z = Nd4j.tile(mean, draws, 1).addi(sigmaRep.mul(epsilon)); // kN×D
    INDArray xRep = draws == 1 ? x : Nd4j.tile(x, draws, 1); // kN×L
    INDArray decoderHidden = Transforms.tanh(z.mmul(p.u1()).addiRowVector(p.b1()), false); // kN×H
    INDArray logits = decoderHidden.mmul(p.u2()).addiRowVector(p.b2()); // kN×L

    // log w = Σ_d (x a − softplus(a)) − ½Σz² + ½Σε² + ½Σv (the 2π terms cancel).
    INDArray logWeight = xRep.mul(logits).subi(ExactPosteriorObjective.softplus(logits)).sum(1);
    logWeight.subi(z.mul(z).sum(1).muli(0.5));
    logWeight.addi(epsilon.mul(epsilon).sum(1).muli(0.5));
    logWeight.addi(Nd4j.tile(logVariance.sum(1).muli(0.5).reshape(n, 1), draws, 1).reshape(-1));

    // The per-row log-mean-exp over k draws and the normalized weights: kN numbers, plain Java.
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
    double meanBound = boundSum / n;
    if (!withGradient) return new Evaluation(meanBound, null);

    INDArray w = Nd4j.create(omega, new long[] {omega.length, 1}); // w̃/N, kN×1
    INDArray gLogits = xRep.sub(Transforms.sigmoid(logits, true)).muliColumnVector(w); // kN×L
    INDArray gU2 = decoderHidden.transpose().mmul(gLogits);
    INDArray gB2 = gLogits.sum(true, 0);
    INDArray gPre = gLogits.mmul(p.u2().transpose());
    gPre.muli(decoderHidden.mul(decoderHidden).rsubi(1.0)); // tanh' = 1 − tanh²
    INDArray gU1 = z.transpose().mmul(gPre);
    INDArray gB1 = gPre.sum(true, 0);
    INDArray gZ = gPre.mmul(p.u1().transpose()).subi(z.mulColumnVector(w)); // kN×D
    INDArray gLogVarianceRep =
        gZ.mul(epsilon).muli(sigmaRep).muli(0.5).addiColumnVector(w.mul(0.5));

    INDArray gMean = sumDraws(gZ, n, draws); // N×D
    INDArray gLogVariance = sumDraws(gLogVarianceRep, n, draws);
    INDArray gVm = hidden.transpose().mmul(gMean);
    INDArray gCm = gMean.sum(true, 0);
    INDArray gVs = hidden.transpose().mmul(gLogVariance);
    INDArray gCs = gLogVariance.sum(true, 0);
    INDArray gHidden =
        gMean.mmul(p.vm().transpose()).addi(gLogVariance.mmul(p.vs().transpose()));
    gHidden.muli(hidden.mul(hidden).rsubi(1.0));
    INDArray gV1 = x.transpose().mmul(gHidden);
    INDArray gC1 = gHidden.sum(true, 0);
    return new Evaluation(
        meanBound,
        new VaeParameters(c(gV1), c(gC1), c(gVm), c(gCm), c(gVs), c(gCs), c(gU1), c(gB1), c(gU2),
            c(gB2)));
  }

  /** N×D: the k row blocks of a kN×D matrix added up. */
  private static INDArray sumDraws(INDArray stacked, int n, int draws) {
    INDArray total = stacked.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).dup();
    for (int s = 1; s < draws; s++) {
      total.addi(stacked.get(NDArrayIndex.interval(s * n, (s + 1) * n), NDArrayIndex.all()));
    }
    return total;
  }

  /** Gradients in C order like the parameters, so that linear indices mean the same entry. */
  private static INDArray c(INDArray a) {
    return a.ordering() == 'c' ? a : a.dup('c');
  }
}
