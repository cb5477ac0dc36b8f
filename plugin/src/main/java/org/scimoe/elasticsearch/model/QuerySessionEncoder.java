package org.scimoe.elasticsearch.model;

import java.util.List;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.EncoderStats;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;
import org.scimoe.runtime.Device;

/**
 * One bundle served by two ONNX Runtime sessions: documents on a session whose inference uses every core
 * (bulk batches, one at a time), query texts on a session whose inference uses one core, so that several
 * searches' query texts are embedded side by side (the pool {@code scimoe_query} has a thread per core).
 * On a 2-core node that served 8 concurrent text searches 1.43× the queries/s of one all-core session
 * (BENCHMARKS.md). Both sessions load the same graph; closing this closes both.
 */
final class QuerySessionEncoder implements TextEmbedder {
    private final TextEmbedder documents;
    private final TextEmbedder queries;

    QuerySessionEncoder(TextEmbedder documents, TextEmbedder queries) {
        this.documents = documents;
        this.queries = queries;
    }

    @Override
    public List<Embedding> embed(List<EmbedInput> inputs, Role role) {
        return (role == Role.QUERY ? queries : documents).embed(inputs, role);
    }

    @Override
    public BundleManifest manifest() {
        return documents.manifest();
    }

    @Override
    public Device device() {
        return documents.device();
    }

    @Override
    public void check(EmbedInput input) {
        documents.check(input);
    }

    @Override
    public EncoderStats stats() {
        EncoderStats d = documents.stats();
        EncoderStats q = queries.stats();
        return new EncoderStats(d.texts() + q.texts(), d.batches() + q.batches(), d.tokens() + q.tokens(), d.truncated() + q.truncated(),
                d.inferenceNanos() + q.inferenceNanos());
    }

    @Override
    public void close() {
        try {
            queries.close();
        } finally {
            documents.close();
        }
    }
}
