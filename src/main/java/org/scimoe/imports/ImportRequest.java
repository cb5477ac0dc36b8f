package org.scimoe.imports;

import java.nio.file.Path;
import org.scimoe.bundle.Pooling;

/**
 * What {@code scimoe import} is asked to do.
 *
 * @param pooling     how token states become a vector; required when the graph outputs token states
 * @param maxTokens   truncation length; null = the tokenizer file's truncation (said so in the report)
 * @param outputName  the graph output holding the embedding; null = the only float output of rank 3 (else 2)
 * @param outRoot     the models directory; the bundle is written to {@code outRoot/name}
 */
public record ImportRequest(Path onnx, Path tokenizer, String name, Pooling pooling, Integer maxTokens, boolean normalize,
                            String queryPrefix, String documentPrefix, String outputName, String precision, Path outRoot) {}
