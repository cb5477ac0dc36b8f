package org.scimoe.training.pairs;

/** A pair for evaluation: label 1 for a positive (co-cited / co-relevant), 0 for a sampled negative. */
public record LabelledPair(String a, String b, String domain, int label) {}
