package org.scimoe.training.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.List;
import org.scimoe.ScimoeException;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.embed.Role;

/**
 * Tokenises training texts the way the engine does for the same bundle (its tokenizer.json, special
 * tokens, the role's prefix, truncation), but at a length of the trainer's choosing: training cost
 * grows with tokens, so a shorter limit than the bundle's is usual.
 */
public final class BatchTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final ModelBundle bundle;
    private final int maxTokens;

    public BatchTokenizer(ModelBundle bundle, int maxTokens) {
        this.bundle = bundle;
        this.maxTokens = Math.min(maxTokens, bundle.manifest().maxTokens());
        try {
            this.tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(bundle.tokenizerPath())
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(this.maxTokens)
                    .optPadding(false)
                    .build();
        } catch (Exception e) {
            throw new ScimoeException("cannot load tokenizer " + bundle.tokenizerPath() + ": " + e.getMessage(), e);
        }
    }

    public int maxTokens() {
        return maxTokens;
    }

    public TokenBatch encode(List<String> texts, Role role) {
        String prefix = bundle.manifest().prefix(role);
        Encoding[] encodings = tokenizer.batchEncode(texts.stream().map(t -> prefix + t).toArray(String[]::new));
        int rows = encodings.length;
        int length = 0;
        for (Encoding e : encodings) {
            length = Math.max(length, e.getIds().length);
        }
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        long[] types = new long[rows * length];
        for (int r = 0; r < rows; r++) {
            Encoding e = encodings[r];
            int n = e.getIds().length;
            System.arraycopy(e.getIds(), 0, ids, r * length, n);
            System.arraycopy(e.getAttentionMask(), 0, mask, r * length, n);
            System.arraycopy(e.getTypeIds(), 0, types, r * length, n);
        }
        return new TokenBatch(rows, length, ids, mask, types);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
