package org.scimoe.lucene;

import java.util.ArrayList;
import java.util.List;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.InvalidInputException;
import org.scimoe.embed.TextEmbedder;

/**
 * Documents split into those the embedder can take (with their inputs, in order) and those it
 * cannot (with a reason naming the document and the field), so one bad document fails alone.
 */
public record ScreenedDocs(List<AbstractDoc> accepted, List<EmbedInput> inputs, List<String> rejected) {

    public static ScreenedDocs screen(List<AbstractDoc> docs, TextEmbedder embedder) {
        List<AbstractDoc> accepted = new ArrayList<>();
        List<EmbedInput> inputs = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (AbstractDoc doc : docs) {
            EmbedInput input = new EmbedInput(doc.embeddingText(), doc.domain());
            try {
                if (doc.id() == null || doc.id().isBlank()) {
                    throw new InvalidInputException("id", "is missing");
                }
                embedder.check(input);
                accepted.add(doc);
                inputs.add(input);
            } catch (InvalidInputException e) {
                rejected.add("document '" + doc.id() + "': " + e.getMessage());
            }
        }
        return new ScreenedDocs(accepted, inputs, rejected);
    }
}
