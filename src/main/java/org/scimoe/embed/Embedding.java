package org.scimoe.embed;

/**
 * The vector of one text and how it was made.
 *
 * @param vector       the embedding (unit length when the bundle normalises)
 * @param tokens       tokens the model saw, special tokens included
 * @param truncated    whether the text was longer than the bundle's max tokens and was cut
 * @param domain       the domain whose expert encoded the text (domain routing), else null
 * @param expert       the expert id used (domain routing, or the gate's strongest expert), else -1
 * @param gateWeights  weights over the experts: the gate's softmax (gate routing), or the domain router's
 *                     probabilities (domain routing with a router, even when the caller named the domain), else null
 */
public record Embedding(float[] vector, int tokens, boolean truncated, String domain, int expert, float[] gateWeights) {}
