package org.scimoe.eval;

/**
 * Mean metrics of one search mode over the evaluated queries, and the mean time of one search
 * (query vector given, so embedding is not included).
 */
public record ModeScores(double ndcgAt10, double recallAt100, double mrrAt10, int queries, double searchMillis) {}
