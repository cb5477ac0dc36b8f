package org.scimoe.training.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real text pairs for training tests: from the demo abstracts, a title (or, where the collection has
 * none, the first sentence) and the abstract's next sentence.
 */
final class DemoPairs {
    record Pair(String anchor, String positive, String domain) {}

    private DemoPairs() {}

    static Path file() {
        for (Path p : List.of(Path.of("..", "demo", "abstracts.jsonl"), Path.of("demo", "abstracts.jsonl"))) {
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new IllegalStateException("demo/abstracts.jsonl not found from " + Path.of("").toAbsolutePath());
    }

    /** Every {@code stride}-th usable record, {@code count} pairs. */
    static List<Pair> load(int count, int stride) {
        ObjectMapper json = new ObjectMapper();
        List<Pair> pairs = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file());
            for (int i = 0; i < lines.size() && pairs.size() < count; i += stride) {
                JsonNode r = json.readTree(lines.get(i));
                List<String> sentences = sentences(r.path("text").asText());
                String title = r.path("title").asText().strip();
                if (title.isEmpty() || sentences.getFirst().equalsIgnoreCase(title.replaceAll("\\s*\\.$", "").strip())) {
                    title = sentences.removeFirst();
                }
                if (!sentences.isEmpty()) {
                    pairs.add(new Pair(title, sentences.getFirst(), r.path("domain").asText()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pairs;
    }

    private static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        for (String s : text.split("(?<=[.?!])\\s+")) {
            String t = s.replaceAll("\\s*\\.$", "").strip();
            if (t.length() > 3) {
                out.add(t);
            }
        }
        return out;
    }

    static PairBatch.Texts batch(List<Pair> pairs) {
        return new PairBatch.Texts(pairs.stream().map(Pair::anchor).toList(), pairs.stream().map(Pair::positive).toList());
    }
}
