package org.scimoe.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.runtime.Device;

/** Turns texts into vectors with one model bundle. Implementations are thread-safe. */
public interface TextEmbedder extends AutoCloseable {

    BundleManifest manifest();

    /** The device inference runs on, and why. */
    Device device();

    /**
     * Embeds texts in the caller's order. Inputs are checked first, so a bad input fails the call
     * before any inference runs; callers that must not lose good inputs check each with {@link #check}.
     */
    List<Embedding> embed(List<EmbedInput> inputs, Role role);

    /** Throws {@link InvalidInputException} naming the field when this input cannot be embedded. */
    void check(EmbedInput input);

    /** Counters since the embedder was opened. */
    EncoderStats stats();

    /** Texts per slice in {@link #embed(List, Role, LongConsumer)}. */
    int PROGRESS_SLICE = 256;

    /**
     * As {@link #embed(List, Role)}, in slices of {@value #PROGRESS_SLICE} texts, reporting each slice to
     * {@code progress} (may be null): long corpora show progress, and each slice is still long enough for
     * length-sorted batching.
     */
    default List<Embedding> embed(List<EmbedInput> inputs, Role role, LongConsumer progress) {
        List<Embedding> out = new ArrayList<>(inputs.size());
        for (int from = 0; from < inputs.size(); from += PROGRESS_SLICE) {
            List<EmbedInput> slice = inputs.subList(from, Math.min(inputs.size(), from + PROGRESS_SLICE));
            out.addAll(embed(slice, role));
            if (progress != null) {
                progress.accept(slice.size());
            }
        }
        return out;
    }

    default Embedding embedOne(String text, String domain, Role role) {
        return embed(List.of(new EmbedInput(text, domain)), role).get(0);
    }

    @Override
    void close();
}
