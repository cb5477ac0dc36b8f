package org.scimoe.embed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one definition of the text a document is embedded as: its parts (title, then abstract, or the
 * fields a pipeline names), each stripped, blank ones left out, joined by one space. The engine, the
 * CLI, the trainer and the Elasticsearch ingest processor all call this, so a document gets the same
 * vector wherever it is embedded. One space is what the trainer has always fed the models (BEIR's
 * title + " " + text); stripping changes no WordPiece token, so existing models see the same input.
 */
public final class DocumentText {
    private DocumentText() {}

    /** Title and abstract as one text; either may be null or blank. */
    public static String of(String title, String text) {
        return join(Arrays.asList(title, text));
    }

    /**
     * The parts joined; null when every part is null (nothing to embed), "" when all are blank, so the
     * encoder's check can tell a missing text from an empty one.
     */
    public static String join(List<String> parts) {
        List<String> kept = new ArrayList<>(parts.size());
        boolean any = false;
        for (String part : parts) {
            if (part == null) {
                continue;
            }
            any = true;
            if (!part.isBlank()) {
                kept.add(part.strip());
            }
        }
        return any ? String.join(" ", kept) : null;
    }
}
