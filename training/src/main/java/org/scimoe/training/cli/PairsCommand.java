package org.scimoe.training.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.scimoe.eval.BeirCollection;
import org.scimoe.io.InputException;
import org.scimoe.training.pairs.CoCitation;
import org.scimoe.training.pairs.CoRelevance;
import org.scimoe.training.pairs.DocPair;
import org.scimoe.training.pairs.DocumentSplit;
import org.scimoe.training.pairs.PairCorpus;
import org.scimoe.training.pairs.PairDataset;
import org.scimoe.training.pairs.PairSets;
import org.scimoe.training.pairs.Split;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Pairs of similar documents for contrastive training, split by document, with balanced labelled
 * pairs for evaluation. Sources: co-citation from a citation edge list, and co-relevance (documents
 * judged relevant to the same training query) for collections without citations.
 */
@Command(name = "pairs", mixinStandardHelpOptions = true,
        description = "Build co-citation / co-relevance pairs, split by document into train/valid/test, with labelled test pairs.")
final class PairsCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "output directory")
    Path out;

    @Option(names = "--docs", description = "JSONL documents with _id/id, title, text and domain (repeatable)")
    List<Path> docFiles = new ArrayList<>();

    @Option(names = "--collection", description = "DOMAIN=DIR: a BEIR-layout collection whose documents all belong to DOMAIN; ids become DOMAIN:id (repeatable)")
    Map<String, Path> collections = new LinkedHashMap<>();

    @Option(names = "--citations", description = "[DOMAIN=]FILE: citation edges 'citing<TAB>cited'; with DOMAIN, ids are that collection's (repeatable)")
    List<String> citations = new ArrayList<>();

    @Option(names = "--qrels", description = "DOMAIN=FILE: judgments to use instead of the collection's qrels/test.tsv (e.g. Cranfield rewritten to gains)")
    Map<String, Path> qrelsOverride = new LinkedHashMap<>();

    @Option(names = "--co-relevance", defaultValue = "auto",
            description = "co-relevance pairs from collections' judgments: auto (collections without citations), all, none (default: ${DEFAULT-VALUE})")
    String coRelevance;

    @Option(names = "--train-queries", defaultValue = "0.5", description = "fraction of each collection's queries whose judgments make pairs; the rest is held out (default: ${DEFAULT-VALUE})")
    double trainQueries;

    @Option(names = "--min-score", defaultValue = "1", description = "judgment score that counts as relevant (default: ${DEFAULT-VALUE})")
    int minScore;

    @Option(names = "--min-count", defaultValue = "1", description = "minimum co-citations (or shared queries) for a pair (default: ${DEFAULT-VALUE})")
    int minCount;

    @Option(names = "--domains", split = ",", description = "the allowed domains; a document with another is an error")
    List<String> domains = new ArrayList<>();

    @Option(names = "--split", defaultValue = "graph", description = "graph (neighbours stay together) or random (default: ${DEFAULT-VALUE})")
    String splitMode;

    @Option(names = "--fractions", split = ",", defaultValue = "0.8,0.1", description = "train,valid fractions of documents; test gets the rest (default: ${DEFAULT-VALUE})")
    List<Double> fractions;

    @Option(names = "--max-labelled", defaultValue = "2147483647",
            description = "most positives per domain in the labelled valid/test pairs (seeded sample; default: all)")
    int maxLabelled;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--skip-missing", description = "skip (and count) citations of documents not in the corpus instead of failing")
    boolean skipMissing;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (docFiles.isEmpty() && collections.isEmpty()) {
            throw new InputException("give documents with --docs FILE or --collection DOMAIN=DIR");
        }
        if (fractions.size() != 2) {
            throw new InputException("--fractions takes two numbers, train and valid, e.g. 0.8,0.1");
        }
        PairCorpus corpus = new PairCorpus(domains);
        docFiles.forEach(f -> corpus.addDocuments(f, null, "", null));
        List<String> emptyDocs = new ArrayList<>(); // collections' records without text: skipped, as the engine's eval does
        collections.forEach((domain, dir) -> corpus.addDocuments(dir.resolve("corpus.jsonl"), domain, domain + ":", emptyDocs));

        Map<DocPair, Integer> pairs = new TreeMap<>();
        ObjectNode summary = new ObjectMapper().createObjectNode();
        ObjectNode sources = summary.putObject("sources");
        List<String> skipped = new ArrayList<>();
        List<String> cited = new ArrayList<>();
        for (String spec : citations) {
            int eq = spec.indexOf('=');
            String domain = eq > 0 ? spec.substring(0, eq) : null;
            Path file = Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
            if (domain != null && !collections.containsKey(domain)) {
                throw new InputException("--citations " + spec + ": no --collection " + domain + "=DIR was given");
            }
            List<CoCitation.Edge> edges = corpus.readCitations(file, domain == null ? "" : domain + ":", skipMissing, skipped);
            Map<DocPair, Integer> found = CoCitation.pairs(edges, minCount);
            found.forEach((p, c) -> pairs.merge(p, c, Integer::sum));
            sources.put("co-citation " + file.getFileName(), found.size());
            if (domain != null) {
                cited.add(domain);
            }
        }
        ObjectNode heldOut = summary.putObject("heldOutQueries");
        for (var c : collections.entrySet()) {
            boolean use = switch (coRelevance) {
                case "all" -> true;
                case "none" -> false;
                case "auto" -> !cited.contains(c.getKey());
                default -> throw new InputException("--co-relevance must be auto, all or none, not '" + coRelevance + "'");
            };
            if (!use) {
                continue;
            }
            String domain = c.getKey();
            Path qrelsFile = qrelsOverride.getOrDefault(domain, c.getValue().resolve("qrels").resolve("test.tsv"));
            BeirCollection beir = BeirCollection.load(c.getValue(), qrelsFile);
            List<String> queries = new ArrayList<>(new java.util.TreeSet<>(beir.qrels().keySet()));
            Collections.shuffle(queries, new Random(seed));
            int cut = (int) Math.round(queries.size() * trainQueries);
            List<String> train = queries.subList(0, cut);
            Map<String, Map<String, Integer>> prefixed = new LinkedHashMap<>();
            beir.qrels().forEach((q, judged) -> {
                Map<String, Integer> m = new LinkedHashMap<>();
                judged.forEach((doc, score) -> {
                    if (corpus.documents().containsKey(domain + ":" + doc)) {
                        m.put(domain + ":" + doc, score);
                    }
                });
                prefixed.put(q, m);
            });
            Map<DocPair, Integer> found = CoRelevance.pairs(prefixed, train, minScore, minCount);
            found.forEach((p, n) -> pairs.merge(p, n, Integer::sum));
            sources.put("co-relevance " + domain, found.size());
            writeHeldOutQrels(domain, qrelsFile, queries.subList(cut, queries.size()));
            heldOut.put(domain, queries.size() - cut);
        }
        // Each domain is split on its own, so every domain gets its share of train, valid and test.
        Map<String, Split> splitOf = new TreeMap<>();
        Map<String, String> domainOf = corpus.domains();
        Map<String, Map<DocPair, Integer>> byDomain = new TreeMap<>();
        pairs.forEach((p, c) -> byDomain.computeIfAbsent(domainOf.get(p.a()), d -> new TreeMap<>()).put(p, c));
        for (Map<DocPair, Integer> domainPairs : byDomain.values()) {
            splitOf.putAll(DocumentSplit.assign(pairedDocs(domainPairs), domainPairs.keySet(), fractions.get(0), fractions.get(1),
                    DocumentSplit.Mode.valueOf(splitMode.toUpperCase(java.util.Locale.ROOT)), seed));
        }
        PairSets sets = PairSets.build(pairs, corpus.domains(), splitOf, seed, maxLabelled);

        summary.put("pairs", pairs.size());
        summary.put("droppedStraddlingSplits", sets.straddling());
        summary.put("droppedCrossDomain", sets.crossDomain());
        summary.put("skippedCitations", skipped.size());
        summary.put("skippedEmptyDocuments", emptyDocs.size());
        ObjectNode counts = summary.putObject("positives");
        for (Split s : Split.values()) {
            Map<String, Integer> perDomain = new TreeMap<>();
            sets.positives(s).forEach(p -> perDomain.merge(p.domain(), 1, Integer::sum));
            ObjectNode node = counts.putObject(s.fileStem());
            perDomain.forEach(node::put);
        }
        summary.put("labelledTest", sets.labelled(Split.TEST).size());
        summary.put("options", String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        PairDataset.write(out, corpus.documents(), splitOf, sets, summary);

        var w = spec.commandLine().getOut();
        w.printf("%d pairs from %s; %d dropped across splits, %d across domains, %d citations skipped%n", pairs.size(), sources,
                sets.straddling(), sets.crossDomain(), skipped.size());
        w.printf("positives %s; labelled test pairs %d -> %s%n", counts, sets.labelled(Split.TEST).size(), out);
        return 0;
    }

    private static List<String> pairedDocs(Map<DocPair, Integer> pairs) {
        java.util.Set<String> docs = new java.util.TreeSet<>();
        pairs.keySet().forEach(p -> {
            docs.add(p.a());
            docs.add(p.b());
        });
        return new ArrayList<>(docs);
    }

    /** Judgments of the queries that made no pairs, for an honest retrieval evaluation after training. */
    private void writeHeldOutQrels(String domain, Path qrels, List<String> heldOut) throws IOException {
        Path dir = Files.createDirectories(out.resolve("heldout-qrels"));
        java.util.Set<String> keep = new java.util.HashSet<>(heldOut);
        List<String> lines = new ArrayList<>();
        lines.add("query-id\tcorpus-id\tscore");
        for (String line : Files.readAllLines(qrels)) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 3 && keep.contains(cols[0])) {
                lines.add(String.join("\t", cols));
            }
        }
        Files.write(dir.resolve(domain + ".tsv"), lines);
    }
}
