package org.scimoe.eval;

/** Mean metrics of one search mode over the evaluated queries. */
public record ModeScores(double ndcgAt10, double recallAt100, double mrrAt10, int queries) {}
