package org.scimoe.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a JSON Lines file one object at a time. A malformed line goes to {@link Visitor#malformed}
 * with its file and line number and reading goes on; blank lines are skipped.
 */
public final class JsonLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    public interface Visitor {
        void object(JsonNode object, String where);

        void malformed(String where, String problem);
    }

    private JsonLines() {}

    public static void read(Path file, Visitor visitor) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String where = file.getFileName() + ":" + number;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    visitor.malformed(where, "not valid JSON (" + e.getOriginalMessage() + ")");
                    continue;
                }
                if (node == null || !node.isObject()) {
                    visitor.malformed(where, "not a JSON object");
                    continue;
                }
                visitor.object(node, where);
            }
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such file");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** A string field, or null when absent; a present non-string value is an error naming the field. */
    public static String text(JsonNode object, String field, String where) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isNumber()) {
            return node.asText();
        }
        throw new InputException(where + ": field '" + field + "' must be a string");
    }
}
