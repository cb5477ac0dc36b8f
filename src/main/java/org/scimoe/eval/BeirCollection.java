package org.scimoe.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scimoe.io.AbstractsFile;
import org.scimoe.io.InputException;
import org.scimoe.io.JsonLines;
import org.scimoe.lucene.AbstractDoc;

/**
 * A test collection in BEIR's layout: {@code corpus.jsonl} ({@code _id}, {@code title}, {@code text}),
 * {@code queries.jsonl} ({@code _id}, {@code text}) and {@code qrels/test.tsv} (query-id, corpus-id,
 * score; a header line is allowed). Judgments are graded: the score is the gain, and a score &lt;= 0
 * means not relevant. Corpus lines without any text (Cranfield has a few) cannot be embedded: they are
 * left out and listed in {@link #skipped()}.
 */
public record BeirCollection(String name, List<AbstractDoc> corpus, Map<String, String> queries, Map<String, Map<String, Integer>> qrels,
                             List<String> skipped) {

    public static BeirCollection load(Path dir) {
        return load(dir, dir.resolve("qrels").resolve("test.tsv"));
    }

    public static BeirCollection load(Path dir, Path qrelsFile) {
        if (!Files.isDirectory(dir)) {
            throw new InputException(dir + ": not a directory (expected corpus.jsonl, queries.jsonl, qrels/test.tsv)");
        }
        List<AbstractDoc> corpus = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        AbstractsFile.read(dir.resolve("corpus.jsonl"), corpus::add, skipped::add);
        Map<String, String> queries = new LinkedHashMap<>();
        JsonLines.read(dir.resolve("queries.jsonl"), new JsonLines.Visitor() {
            @Override
            public void object(JsonNode o, String where) {
                String id = JsonLines.text(o, "_id", where);
                String text = JsonLines.text(o, "text", where);
                if (id == null || text == null || text.isBlank()) {
                    throw new InputException(where + ": a query needs '_id' and a non-empty 'text'");
                }
                queries.put(id, text);
            }

            @Override
            public void malformed(String where, String problem) {
                throw new InputException(where + ": " + problem);
            }
        });
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return new BeirCollection(name == null ? dir.toString() : name.toString(), corpus, queries, readQrels(qrelsFile), skipped);
    }

    static Map<String, Map<String, Integer>> readQrels(Path file) {
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cols = line.trim().split("\\s+");
                if (number == 1 && cols.length == 3 && cols[2].equalsIgnoreCase("score")) {
                    continue; // BEIR header: query-id corpus-id score
                }
                if (cols.length != 3) {
                    throw new InputException(file.getFileName() + ":" + number + ": expected 3 columns (query-id, corpus-id, score), found " + cols.length);
                }
                int score;
                try {
                    score = Integer.parseInt(cols[2]);
                } catch (NumberFormatException e) {
                    throw new InputException(file.getFileName() + ":" + number + ": score '" + cols[2] + "' is not an integer");
                }
                qrels.computeIfAbsent(cols[0], q -> new LinkedHashMap<>()).put(cols[1], score);
            }
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such file (qrels)");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage(), e);
        }
        return qrels;
    }
}
