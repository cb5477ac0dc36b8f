package org.scimoe.training.pairs;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scimoe.io.AbstractsFile;
import org.scimoe.io.InputException;
import org.scimoe.lucene.AbstractDoc;

/**
 * The documents pairs are made of, each with a domain, and the citation edges between them. Every
 * problem is an error that names the file and line: a document without text, a domain outside the
 * allowed list, a duplicate id, a citation to a document that is not in the corpus.
 */
public final class PairCorpus {
    private final Map<String, AbstractDoc> docs = new LinkedHashMap<>();
    private final List<String> allowedDomains;

    /** @param allowedDomains the domains documents may carry; empty: any */
    public PairCorpus(Collection<String> allowedDomains) {
        this.allowedDomains = List.copyOf(allowedDomains);
    }

    /**
     * Documents with their own {@code domain} field, or all in {@code domain} when it is given. Ids get
     * {@code idPrefix} (e.g. {@code "medline:"}) so that collections numbered from 1 can live side by side.
     *
     * @param unusable null: a document without text is an error; else such lines are skipped and listed here
     *                 (test collections such as Cranfield have a few empty records)
     */
    public void addDocuments(Path file, String domain, String idPrefix, List<String> unusable) {
        AbstractsFile.readLocated(file, (doc, where) -> {
            String d = domain != null ? domain : doc.domain();
            if (d == null || d.isBlank()) {
                throw new InputException(where + ": field 'domain' is missing (document '" + doc.id() + "')");
            }
            if (!allowedDomains.isEmpty() && !allowedDomains.contains(d)) {
                throw new InputException(where + ": domain '" + d + "' is not one of " + allowedDomains + " (document '" + doc.id() + "')");
            }
            String id = idPrefix + doc.id();
            if (docs.putIfAbsent(id, new AbstractDoc(id, doc.title(), doc.text(), d)) != null) {
                throw new InputException(where + ": document id '" + doc.id() + "' appears twice");
            }
        }, problem -> {
            if (unusable == null || !problem.contains("is missing or empty")) {
                throw new InputException(problem);
            }
            unusable.add(problem);
        });
    }

    /**
     * Reads {@code citing<TAB>cited} lines (a header line {@code citing cited} is allowed), ids as in the
     * documents' file before {@code idPrefix}. The citing document need not be in the corpus (only its
     * references matter); a cited one must be, else the line is an error (or skipped and listed).
     */
    public List<CoCitation.Edge> readCitations(Path file, String idPrefix, boolean skipMissing, List<String> skipped) {
        List<CoCitation.Edge> edges = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String where = file.getFileName() + ":" + number;
                String[] cols = line.trim().split("\t");
                if (cols.length < 2) {
                    throw new InputException(where + ": expected 'citing<TAB>cited', found " + cols.length + " column");
                }
                if (number == 1 && cols[0].equalsIgnoreCase("citing")) {
                    continue;
                }
                String citing = idPrefix + cols[0].trim();
                String cited = idPrefix + cols[1].trim();
                if (!docs.containsKey(cited)) {
                    String problem = where + ": cited document '" + cols[1].trim() + "' is not in the documents";
                    if (!skipMissing) {
                        throw new InputException(problem);
                    }
                    skipped.add(problem);
                    continue;
                }
                if (!citing.equals(cited)) {
                    edges.add(new CoCitation.Edge(citing, cited, where));
                }
            }
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such file (citations)");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage(), e);
        }
        return edges;
    }

    public Map<String, AbstractDoc> documents() {
        return docs;
    }

    public Map<String, String> domains() {
        Map<String, String> out = new LinkedHashMap<>();
        docs.forEach((id, d) -> out.put(id, d.domain()));
        return out;
    }
}
