package io.surprisal.evaluation;

/**
 * What {@code evaluate} prints: one JSON object, fields in this order. A figure that needs both
 * classes in the test file (ROC-AUC, PR-AUC, recall) or normal rows (mean, alert rate) is null when
 * the test file lacks them.
 *
 * @param model the model kind, e.g. "mixture"
 * @param meanLogLikelihood mean log p(x) over the normal test rows, nats
 * @param threshold the calibrated threshold: rows whose score is below it alert
 * @param alertRateNormal the share of normal test rows that alert at the threshold
 * @param recallAtThreshold the share of anomalous test rows that alert at the threshold
 * @param fitSeconds wall time of the training round (fit, calibration, gate)
 * @param scoreMicrosPerEvent wall time per test row of log p(x), percentile and the alert decision
 * @param targetAlertRate q, the alert rate the threshold was calibrated for
 * @param fittedModel the fitted model's own description, e.g. its number of components
 * @param score what rocAuc, prAuc, threshold and the alert figures refer to: "likelihood" or
 *     "ensemble" (surprisal.score)
 * @param logLikelihoodRocAuc ROC-AUC of −log p(x) of the same fitted model: rocAuc itself under
 *     the likelihood score, the model alone under the ensemble
 */
public record EvaluationReport(
    String model,
    int dimension,
    int trainRows,
    int testRows,
    Double meanLogLikelihood,
    Double rocAuc,
    Double prAuc,
    double threshold,
    Double alertRateNormal,
    Double recallAtThreshold,
    double fitSeconds,
    double scoreMicrosPerEvent,
    double targetAlertRate,
    long testAnomalies,
    String fittedModel,
    String score,
    Double logLikelihoodRocAuc) {}
