package io.surprisal.event;

/**
 * One bit's share in an explanation: its index, its observed value, and the log-probability the
 * model gave that value (nats). The most negative entries are the bits that made the event
 * improbable.
 */
public record FeatureContribution(int index, int value, double logProb) {}
