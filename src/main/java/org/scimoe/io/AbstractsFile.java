package org.scimoe.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.scimoe.lucene.AbstractDoc;

/**
 * Reads abstracts from JSON Lines: {@code id} (or BEIR's {@code _id}), {@code title}, {@code text}
 * (or {@code abstract}) and {@code domain}. A line without an id or without any text is reported
 * with its line number and skipped; the rest is read.
 */
public final class AbstractsFile {
    private AbstractsFile() {}

    public static void read(Path file, Consumer<AbstractDoc> docs, Consumer<String> problems) {
        readLocated(file, (doc, where) -> docs.accept(doc), problems);
    }

    /** As {@link #read(Path, Consumer, Consumer)}, with each document's location ({@code file:line}) for later checks. */
    public static void readLocated(Path file, java.util.function.BiConsumer<AbstractDoc, String> docs, Consumer<String> problems) {
        JsonLines.read(file, new JsonLines.Visitor() {
            @Override
            public void object(JsonNode o, String where) {
                try {
                    String id = first(o, where, "id", "_id");
                    String title = JsonLines.text(o, "title", where);
                    String text = first(o, where, "text", "abstract");
                    if (id == null || id.isBlank()) {
                        problems.accept(where + ": field 'id' is missing");
                    } else if (isBlank(text) && isBlank(title)) {
                        problems.accept(where + ": field 'text' is missing or empty (document '" + id + "')");
                    } else {
                        docs.accept(new AbstractDoc(id, title, text, JsonLines.text(o, "domain", where)), where);
                    }
                } catch (InputException e) {
                    problems.accept(e.getMessage());
                }
            }

            @Override
            public void malformed(String where, String problem) {
                problems.accept(where + ": " + problem);
            }
        });
    }

    /** All documents of a file that must be clean (e.g. a benchmark corpus): the first problem fails. */
    public static List<AbstractDoc> readAll(Path file) {
        List<AbstractDoc> docs = new ArrayList<>();
        read(file, docs::add, problem -> {
            throw new InputException(problem);
        });
        return docs;
    }

    private static String first(JsonNode o, String where, String... fields) {
        for (String f : fields) {
            String v = JsonLines.text(o, f, where);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
