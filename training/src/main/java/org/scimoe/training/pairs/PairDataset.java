package org.scimoe.training.pairs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scimoe.io.AbstractsFile;
import org.scimoe.io.InputException;
import org.scimoe.io.JsonLines;
import org.scimoe.lucene.AbstractDoc;

/**
 * A pairs directory, the contract between {@code pairs}, {@code train} and {@code eval}:
 * <pre>
 *   docs.jsonl                 {_id, title, text, domain, split}
 *   train.jsonl, valid.jsonl, test.jsonl          positives {a, b, domain, count}
 *   valid-labelled.jsonl, test-labelled.jsonl     {a, b, domain, label}  (label 1 positive, 0 sampled negative)
 *   summary.json               counts and the options that made it
 * </pre>
 */
public record PairDataset(Map<String, AbstractDoc> docs, Map<String, Split> splitOf, Map<Split, List<PairSets.Positive>> positives,
                          Map<Split, List<LabelledPair>> labelled) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void write(Path dir, Map<String, AbstractDoc> docs, Map<String, Split> splitOf, PairSets sets, ObjectNode summary) {
        try {
            Files.createDirectories(dir);
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("docs.jsonl"), StandardCharsets.UTF_8)) {
                for (AbstractDoc d : docs.values()) {
                    Split s = splitOf.get(d.id());
                    if (s == null) {
                        continue; // in no pair: not needed
                    }
                    ObjectNode o = JSON.createObjectNode().put("_id", d.id()).put("title", d.title()).put("text", d.text())
                            .put("domain", d.domain()).put("split", s.fileStem());
                    w.write(JSON.writeValueAsString(o));
                    w.newLine();
                }
            }
            for (Split s : Split.values()) {
                try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(s.fileStem() + ".jsonl"), StandardCharsets.UTF_8)) {
                    for (PairSets.Positive p : sets.positives(s)) {
                        w.write(JSON.writeValueAsString(JSON.createObjectNode().put("a", p.pair().a()).put("b", p.pair().b())
                                .put("domain", p.domain()).put("count", p.count())));
                        w.newLine();
                    }
                }
                if (s != Split.TRAIN) {
                    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(s.fileStem() + "-labelled.jsonl"), StandardCharsets.UTF_8)) {
                        for (LabelledPair p : sets.labelled(s)) {
                            w.write(JSON.writeValueAsString(JSON.createObjectNode().put("a", p.a()).put("b", p.b())
                                    .put("domain", p.domain()).put("label", p.label())));
                            w.newLine();
                        }
                    }
                }
            }
            Files.writeString(dir.resolve("summary.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
        } catch (IOException e) {
            throw new InputException("cannot write pairs to " + dir + ": " + e.getMessage(), e);
        }
    }

    public static PairDataset read(Path dir) {
        if (!Files.isRegularFile(dir.resolve("docs.jsonl"))) {
            throw new InputException(dir + ": not a pairs directory (no docs.jsonl); make one with `scimoe-train pairs`");
        }
        Map<String, AbstractDoc> docs = new LinkedHashMap<>();
        AbstractsFile.readAll(dir.resolve("docs.jsonl")).forEach(d -> docs.put(d.id(), d));
        Map<String, Split> splitOf = new LinkedHashMap<>();
        JsonLines.read(dir.resolve("docs.jsonl"), visitor((o, where) ->
                splitOf.put(JsonLines.text(o, "_id", where), Split.valueOf(require(o, "split", where).toUpperCase(java.util.Locale.ROOT)))));
        Map<Split, List<PairSets.Positive>> positives = new EnumMap<>(Split.class);
        Map<Split, List<LabelledPair>> labelled = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            List<PairSets.Positive> list = new ArrayList<>();
            JsonLines.read(dir.resolve(s.fileStem() + ".jsonl"), visitor((o, where) -> list.add(new PairSets.Positive(
                    new DocPair(known(docs, require(o, "a", where), where), known(docs, require(o, "b", where), where)),
                    require(o, "domain", where), o.path("count").asInt(1)))));
            positives.put(s, list);
            Path file = dir.resolve(s.fileStem() + "-labelled.jsonl");
            List<LabelledPair> pairs = new ArrayList<>();
            if (Files.isRegularFile(file)) {
                JsonLines.read(file, visitor((o, where) -> pairs.add(new LabelledPair(known(docs, require(o, "a", where), where),
                        known(docs, require(o, "b", where), where), require(o, "domain", where), o.path("label").asInt(-1)))));
            }
            labelled.put(s, pairs);
        }
        return new PairDataset(docs, splitOf, positives, labelled);
    }

    private static JsonLines.Visitor visitor(java.util.function.BiConsumer<com.fasterxml.jackson.databind.JsonNode, String> f) {
        return new JsonLines.Visitor() {
            @Override
            public void object(com.fasterxml.jackson.databind.JsonNode object, String where) {
                f.accept(object, where);
            }

            @Override
            public void malformed(String where, String problem) {
                throw new InputException(where + ": " + problem);
            }
        };
    }

    private static String require(com.fasterxml.jackson.databind.JsonNode o, String field, String where) {
        String v = JsonLines.text(o, field, where);
        if (v == null || v.isBlank()) {
            throw new InputException(where + ": field '" + field + "' is missing");
        }
        return v;
    }

    private static String known(Map<String, AbstractDoc> docs, String id, String where) {
        if (!docs.containsKey(id)) {
            throw new InputException(where + ": document '" + id + "' is not in docs.jsonl");
        }
        return id;
    }
}
