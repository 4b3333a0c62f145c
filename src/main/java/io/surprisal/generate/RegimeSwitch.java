package io.surprisal.generate;

/**
 * One true switch of the market generator's hidden regime: the event at {@code index} is the
 * first one drawn from regime {@code to}.
 *
 * @param index the event's position in the generated stream (0-based)
 * @param timestamp the event's timestamp (the generator's synthetic clock: start + index ms)
 * @param novel whether {@code to} is a regime invented at this switch, never seen before
 */
public record RegimeSwitch(long index, long timestamp, String from, String to, boolean novel) {}
