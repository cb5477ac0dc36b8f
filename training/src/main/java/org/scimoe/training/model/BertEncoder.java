package org.scimoe.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * BERT's forward pass on NDArrays, parameter for parameter the graph the exporter wrote (post-norm
 * layers, additive padding mask, exact GELU), so trained weights can go back into that graph.
 * Dropout, where BERT has it (embeddings, attention probabilities, before each residual), applies
 * only when a rate is given, i.e. in training; at rate 0 the pass equals the served model's.
 */
final class BertEncoder {
    /** Added to the attention scores of padding keys: softmax gives them weight 0. */
    private static final float MASKED = -1e9f;

    private final BertConfig config;
    private final ParameterStore params;
    private final DomainExperts experts; // null: every FFN is dense

    BertEncoder(BertConfig config, ParameterStore params, DomainExperts experts) {
        this.config = config;
        this.params = params;
        this.experts = experts;
    }

    /**
     * @param domainIds the expert id of each row, used by the layers that carry domain experts (may be null otherwise)
     * @param dropout   the dropout rate (0 at inference)
     * @return the last layer's token states [rows, tokens, hidden]
     */
    NDArray forward(NDManager m, TokenBatch batch, DomainIds domainIds, float dropout) {
        NDArray mask = batch.mask(m);
        NDArray x = Ops.dropout(embeddings(m, batch), dropout);
        // [rows, 1, 1, tokens]: 0 where a key is a token, very negative where it is padding.
        NDArray maskBias = mask.sub(1f).mul(-MASKED).reshape(batch.rows(), 1, 1, batch.length());
        for (int l = 0; l < config.layers(); l++) {
            x = layer(l, x, maskBias, domainIds, dropout);
        }
        return x;
    }

    private NDArray embeddings(NDManager m, TokenBatch batch) {
        int rows = batch.rows();
        int len = batch.length();
        NDArray words = lookup(params.get(EncoderWeights.WORD_EMBEDDINGS), batch.ids(m).reshape(-1));
        NDArray types = lookup(params.get(EncoderWeights.TYPE_EMBEDDINGS), batch.types(m).reshape(-1));
        NDArray positions = lookup(params.get(EncoderWeights.POSITION_EMBEDDINGS), m.arange(0, len, 1, ai.djl.ndarray.types.DataType.INT64));
        NDArray x = words.add(types).reshape(rows, len, config.hidden()).add(positions);
        return Ops.layerNorm(x, params.get(EncoderWeights.EMBEDDINGS_NORM + ".weight"), params.get(EncoderWeights.EMBEDDINGS_NORM + ".bias"), config.eps());
    }

    /** Rows of a table [n, d] picked by int64 indices [k]: [k, d]. */
    private static NDArray lookup(NDArray table, NDArray indices) {
        return table.get(indices);
    }

    private NDArray layer(int l, NDArray x, NDArray maskBias, DomainIds domainIds, float dropout) {
        NDArray attended = Ops.linear(attention(l, x, maskBias, dropout), w(l, "attention.output.dense.weight"), w(l, "attention.output.dense.bias"));
        attended = Ops.dropout(attended, dropout);
        x = Ops.layerNorm(attended.add(x), w(l, "attention.output.LayerNorm.weight"), w(l, "attention.output.LayerNorm.bias"), config.eps());
        NDArray ffn = Ops.dropout(experts != null && experts.covers(l) ? experts.forward(l, x, domainIds) : denseFfn(l, x), dropout);
        return Ops.layerNorm(ffn.add(x), w(l, "output.LayerNorm.weight"), w(l, "output.LayerNorm.bias"), config.eps());
    }

    private NDArray attention(int l, NDArray x, NDArray maskBias, float dropout) {
        Shape shape = x.getShape();
        long rows = shape.get(0);
        long len = shape.get(1);
        NDArray q = heads(Ops.linear(x, w(l, "attention.self.query.weight"), w(l, "attention.self.query.bias")), rows, len);
        NDArray k = heads(Ops.linear(x, w(l, "attention.self.key.weight"), w(l, "attention.self.key.bias")), rows, len);
        NDArray v = heads(Ops.linear(x, w(l, "attention.self.value.weight"), w(l, "attention.self.value.bias")), rows, len);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div((float) Math.sqrt(config.headSize())).add(maskBias);
        NDArray context = Ops.dropout(scores.softmax(-1), dropout).matMul(v); // [rows, heads, len, headSize]
        return context.transpose(0, 2, 1, 3).reshape(rows, len, config.hidden());
    }

    /** [rows, len, hidden] → [rows, heads, len, headSize]. */
    private NDArray heads(NDArray t, long rows, long len) {
        return t.reshape(rows, len, config.heads(), config.headSize()).transpose(0, 2, 1, 3);
    }

    private NDArray denseFfn(int l, NDArray x) {
        NDArray h = Ops.gelu(Ops.linear(x, w(l, "intermediate.dense.weight"), w(l, "intermediate.dense.bias")));
        return Ops.linear(h, w(l, "output.dense.weight"), w(l, "output.dense.bias"));
    }

    private NDArray w(int layer, String name) {
        return params.get(EncoderWeights.layer(layer, name));
    }
}
