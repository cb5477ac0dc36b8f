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
import org.scimoe.training.pairs.CitationBenchmark;
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

    @Option(names = "--collection", description = "KEY=DIR: a BEIR-layout collection (corpus.jsonl; queries and qrels for co-relevance) whose "
            + "documents all belong to the domain KEY, or DOMAIN/SOURCE for a second source of a domain (e.g. computing/citeseer); "
            + "ids become KEY:id (repeatable)")
    Map<String, Path> collections = new LinkedHashMap<>();

    @Option(names = "--citations", description = "[KEY=]FILE: citation edges 'citing<TAB>cited'; with KEY, ids are that collection's (repeatable)")
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

    @Option(names = "--min-count-of", description = "KEY=N: the minimum co-citation count for one collection's citations (default: --min-count)")
    Map<String, Integer> minCountOf = new LinkedHashMap<>();

    @Option(names = "--domains", split = ",", description = "the allowed domains; a document with another is an error")
    List<String> domains = new ArrayList<>();

    @Option(names = "--split", defaultValue = "graph", description = "graph (neighbours stay together) or random (default: ${DEFAULT-VALUE})")
    String splitMode;

    @Option(names = "--fractions", split = ",", defaultValue = "0.8,0.1", description = "train,valid fractions of documents; test gets the rest (default: ${DEFAULT-VALUE})")
    List<Double> fractions;

    @Option(names = "--max-labelled", defaultValue = "2147483647",
            description = "most positives per domain in the labelled valid/test pairs (seeded sample; default: all)")
    int maxLabelled;

    @Option(names = "--max-refs", defaultValue = "2147483647",
            description = "most references of one citing paper that make co-citation pairs (a seeded sample; default: all)")
    int maxRefs;

    @Option(names = "--direct-pairs", description = "KEY: that collection's citations (minus held-out citing papers) are pairs too, citing "
            + "with cited: the citation-prediction task's own signal, beside co-citation (repeatable)")
    List<String> directPairs = new ArrayList<>();

    @Option(names = "--holdout-citing", defaultValue = "0",
            description = "per collection with citations: hold out up to this many citing papers (at most a fifth of the eligible) as the "
                    + "queries of a citation-prediction benchmark written to OUT/cite-KEY; no edge touching them is used (default: none)")
    int holdoutCiting;

    @Option(names = "--valid-citing", defaultValue = "0",
            description = "with --holdout-citing: hold out up to this many more citing papers as a validation benchmark written to "
                    + "OUT/valid-cite-KEY (for choosing checkpoints by retrieval, train --valid-benchmark); their edges leave training too")
    int validCiting;

    @Option(names = "--holdout-min-refs", defaultValue = "5", description = "a held-out citing paper cites at least this many documents (default: ${DEFAULT-VALUE})")
    int holdoutMinRefs;

    @Option(names = "--benchmark-corpus", defaultValue = "5000",
            description = "documents in a citation benchmark's corpus: every cited one, then seeded distractors (default: ${DEFAULT-VALUE})")
    int benchmarkCorpus;

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
        for (String key : directPairs) {
            if (!collections.containsKey(key)) {
                throw new InputException("--direct-pairs " + key + ": no --collection " + key + "=DIR was given");
            }
        }
        PairCorpus corpus = new PairCorpus(domains);
        docFiles.forEach(f -> corpus.addDocuments(f, null, "", null));
        List<String> emptyDocs = new ArrayList<>(); // collections' records without text: skipped, as the engine's eval does
        Map<String, List<String>> idsOf = new LinkedHashMap<>();
        collections.forEach((key, dir) -> {
            int before = corpus.documents().size();
            corpus.addDocuments(dir.resolve("corpus.jsonl"), domainOf(key), key + ":", emptyDocs);
            idsOf.put(key, new ArrayList<>(corpus.documents().keySet()).subList(before, corpus.documents().size()));
        });

        Map<DocPair, Integer> pairs = new TreeMap<>();
        ObjectNode summary = new ObjectMapper().createObjectNode();
        ObjectNode sources = summary.putObject("sources");
        List<String> skipped = new ArrayList<>();
        List<String> cited = new ArrayList<>();
        ObjectNode benchmarks = summary.putObject("citationBenchmarks");
        for (String spec : citations) {
            int eq = spec.indexOf('=');
            String key = eq > 0 ? spec.substring(0, eq) : null;
            Path file = Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
            if (key != null && !collections.containsKey(key)) {
                throw new InputException("--citations " + spec + ": no --collection " + key + "=DIR was given");
            }
            String prefix = key == null ? "" : key + ":";
            List<CoCitation.Edge> edges = corpus.readCitations(file, prefix, skipMissing, skipped);
            if (holdoutCiting > 0) {
                if (key == null) {
                    throw new InputException("--holdout-citing needs citations of a collection (--citations KEY=FILE), not " + spec);
                }
                CitationBenchmark bench = CitationBenchmark.holdOut(key, edges, idsOf.get(key), holdoutCiting, holdoutMinRefs, benchmarkCorpus, seed);
                edges = bench.trainingEdges(edges);
                bench.write(out.resolve("cite-" + key.replace('/', '-')), corpus.documents(), prefix);
                if (validCiting > 0) { // from what is left, and never showing a test query, even as a distractor
                    List<String> candidates = new ArrayList<>(idsOf.get(key));
                    candidates.removeAll(bench.queries());
                    CitationBenchmark valid = CitationBenchmark.holdOut(key, edges, candidates, validCiting, holdoutMinRefs, benchmarkCorpus, seed + 1);
                    edges = valid.trainingEdges(edges);
                    valid.write(out.resolve("valid-cite-" + key.replace('/', '-')), corpus.documents(), prefix);
                    benchmarks.putObject(key + " (validation)").put("queries", valid.qrels().size()).put("corpus", valid.corpus().size());
                }
                benchmarks.putObject(key).put("queries", bench.qrels().size()).put("corpus", bench.corpus().size())
                        .put("relevant", bench.qrels().values().stream().mapToInt(java.util.Set::size).sum());
            }
            Map<DocPair, Integer> found = CoCitation.pairs(edges, key == null ? minCount : minCountOf.getOrDefault(key, minCount), maxRefs, seed);
            found.forEach((p, c) -> pairs.merge(p, c, Integer::sum));
            sources.put("co-citation " + (key == null ? "" : key + " ") + file.getFileName(), found.size());
            if (key != null && directPairs.contains(key)) {
                Map<DocPair, Integer> direct = CoCitation.direct(edges);
                direct.forEach((p, c) -> pairs.merge(p, c, Integer::sum));
                sources.put("citation " + key + " " + file.getFileName(), direct.size());
            }
            if (key != null) {
                cited.add(key);
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
            if (!Files.isRegularFile(qrelsFile)) {
                throw new InputException("--collection " + domain + ": no judgments at " + qrelsFile
                        + " for co-relevance pairs; give its citations with --citations " + domain + "=FILE, or --co-relevance none");
            }
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

    /** A collection key is a domain, or DOMAIN/SOURCE for one of several sources of a domain. */
    private static String domainOf(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
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
