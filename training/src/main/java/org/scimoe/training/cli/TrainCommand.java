package org.scimoe.training.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.Routing.GatePooling;
import org.scimoe.cli.ModelOptions;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.Role;
import org.scimoe.io.InputException;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.runtime.DeviceRequest;
import org.scimoe.training.export.BundleExporter;
import org.scimoe.training.export.MoeBundleBuilder;
import org.scimoe.training.export.MoeRecipe;
import org.scimoe.training.export.RouterFit;
import org.scimoe.training.export.TensorArchive;
import org.scimoe.training.model.ModelExport;
import org.scimoe.training.model.ModelSpec;
import org.scimoe.training.model.MoeEncoder;
import org.scimoe.training.model.SbMoeOptions;
import org.scimoe.training.pairs.PairDataset;
import org.scimoe.training.pairs.PairSets;
import org.scimoe.training.pairs.Split;
import org.scimoe.training.train.BestWeights;
import org.scimoe.training.train.EpochBatches;
import org.scimoe.training.train.Validation;
import org.scimoe.training.train.MultipleNegativesRankingLoss;
import org.scimoe.training.train.PairBatch;
import org.scimoe.training.train.PairBatches;
import org.scimoe.training.train.PooledCache;
import org.scimoe.training.train.PooledTexts;
import org.scimoe.training.eval.PooledBlockTests;
import org.scimoe.training.train.RetrievalValidation;
import org.scimoe.training.train.Trainer;
import org.scimoe.training.train.TrainingConfig;
import org.scimoe.training.train.TrainingLoop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Contrastive training (Multiple-Negatives-Ranking loss, in-batch negatives) of one variant on a
 * pairs directory, then the export: recipe + fp16 weights (what can be committed) and the bundle
 * rebuilt from exactly those files (what is evaluated). Writes into --out:
 * train-log.jsonl (one line per step), model/ (recipe + weights), bundle/ (the bundle), summary.json.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Fine-tune an encoder on pairs: shared, domain-routed experts (one block or all), or an SB-MoE block; export the bundle.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--pairs", required = true, description = "a pairs directory (scimoe-train pairs)")
    Path pairs;

    @Option(names = "--out", required = true, description = "run directory")
    Path out;

    @Option(names = "--variant", required = true, description = "shared | domain | sbmoe")
    String variant;

    @Option(names = "--layers", defaultValue = "middle", description = "domain variant: expert layers, e.g. 3 or 0,5, 'middle' or 'all'; "
            + "shared variant with --freeze-encoder: the layers whose FFN trains (default: ${DEFAULT-VALUE})")
    String layers;

    @Option(names = "--experts", defaultValue = "4", description = "sbmoe: number of experts N (default: ${DEFAULT-VALUE})")
    int experts;

    @Option(names = "--gate", defaultValue = "top1", description = "sbmoe: top1 or all (default: ${DEFAULT-VALUE})")
    String gate;

    @Option(names = "--hidden", defaultValue = "384", description = "sbmoe: each expert's hidden width (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--no-residual", description = "sbmoe: the block's output replaces the pooled vector instead of adding to it")
    boolean noResidual;

    @Option(names = "--pool-with-engine",
            description = "sbmoe with a frozen encoder: cache the pooled vectors with ONNX Runtime at the bundle's token limit (what the served "
                    + "block receives) instead of the trainer's forward pass at --max-tokens")
    boolean poolWithEngine;

    @Option(names = "--pool-cache", description = "sbmoe, frozen encoder: keep the pooled vectors in this file and reuse them when it holds "
            + "every document (runs that differ only in the block share one pooling pass; the file belongs to one base and token limit)")
    Path poolCache;

    @Option(names = "--valid-benchmark", description = "sbmoe on cached vectors: a BEIR directory (e.g. pairs' valid-cite-KEY) whose "
            + "nDCG@10 through the block is measured at each validation and chooses the kept weights, instead of the pairs' validation loss")
    Path validBenchmark;

    @Option(names = "--test-benchmark", paramLabel = "NAME=DIR",
            description = "sbmoe on cached vectors: after training, test the kept block and the base side by side on this BEIR directory "
                    + "(kNN nDCG@10, Recall@100, MRR@10 by the engine's evaluator on pooled vectors; OUT/test.json); repeatable")
    Map<String, Path> testBenchmarks = new java.util.LinkedHashMap<>();

    @Option(names = "--test-qrels", paramLabel = "NAME=FILE", description = "the judgments of a --test-benchmark (default: its qrels/test.tsv)")
    Map<String, Path> testQrels = new HashMap<>();

    @Option(names = "--test-pairs", description = "sbmoe on cached vectors: after training, F1max of the base and the kept block on the "
            + "labelled test pairs (OUT/test.json)")
    boolean testPairs;

    @Option(names = "--preserve-weight", defaultValue = "0",
            description = "sbmoe on cached vectors: each batch also takes as many training documents of the domains that do not train "
                    + "(quota 0), and the loss adds this weight times their mean (1 - cos(block(x), x)): the block learns to leave those "
                    + "domains where the base encoder put them (default: ${DEFAULT-VALUE}, no such term)")
    float preserveWeight;

    @Option(names = "--freeze-encoder", description = "train only new parameters (experts, gate) — for shared, only the FFN of --layers; "
            + "sbmoe then trains on cached vectors")
    boolean freezeEncoder;

    @Option(names = "--batch", defaultValue = "16", description = "pairs per batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--min-batch", defaultValue = "2", description = "smallest training batch: pairs that cannot fill one without "
            + "repeating a document wait for the next epoch (default: ${DEFAULT-VALUE})")
    int minBatch;

    @Option(names = "--max-tokens", defaultValue = "64", description = "training truncation (default: ${DEFAULT-VALUE}); the bundle keeps the base's")
    int maxTokens;

    @Option(names = "--steps", defaultValue = "200", description = "optimizer updates (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--epochs", defaultValue = "100", description = "at most this many epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--pairs-per-domain", defaultValue = "1000", description = "pairs sampled per domain per epoch (default: ${DEFAULT-VALUE})")
    int pairsPerDomain;

    @Option(names = "--lr", defaultValue = "2e-5", description = "peak learning rate of pretrained weights (default: ${DEFAULT-VALUE})")
    float lr;

    @Option(names = "--lr-new", defaultValue = "1e-3", description = "peak learning rate of experts and gate (default: ${DEFAULT-VALUE})")
    float lrNew;

    @Option(names = "--warmup", defaultValue = "20", description = "warm-up updates (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--scale", defaultValue = "20", description = "similarity scale of the MNR loss (default: ${DEFAULT-VALUE})")
    float scale;

    @Option(names = "--symmetric", description = "also rank anchors for each positive")
    boolean symmetric;

    @Option(names = "--mask-known-positives", description = "leave pairs known to be similar (e.g. two documents relevant to one query) "
            + "out of each other's in-batch negatives instead of pushing them apart")
    boolean maskKnownPositives;

    @Option(names = "--dropout", defaultValue = "0.1")
    float dropout;

    @Option(names = "--seed", defaultValue = "42")
    int seed;

    @Option(names = "--validate-every", defaultValue = "0",
            description = "validate every N updates (and before the first): MNR loss on fixed validation batches and F1max on labelled "
                    + "validation pairs, per domain; the best weights are kept (per expert when only domain experts train); 0: never")
    int validateEvery;

    @Option(names = "--valid-pairs", defaultValue = "128", description = "validation pairs per domain for the loss (default: ${DEFAULT-VALUE})")
    int validPairs;

    @Option(names = "--valid-labelled", defaultValue = "100",
            description = "labelled validation positives per domain for F1max, each with its negative (default: ${DEFAULT-VALUE})")
    int validLabelled;

    @Option(names = "--domain-pairs", description = "DOMAIN=N: pairs sampled per epoch for one domain instead of --pairs-per-domain; "
            + "0: the domain does not train (a domain-routed model keeps its expert as the pretrained FFN)")
    Map<String, Integer> domainPairs = new java.util.LinkedHashMap<>();

    @Option(names = "--checkpoint-every", defaultValue = "0",
            description = "write OUT/checkpoint.bin (trainable weights, optimizer state, update count) every N updates; 0: only at the end")
    int checkpointEvery;

    @Option(names = "--resume", description = "continue from OUT/checkpoint.bin: the run goes on with the batch an uninterrupted run would take "
            + "next (e.g. after the JVM died in native code); validation restarts from the resumed weights")
    boolean resume;

    @Option(names = "--name", description = "bundle name (default: scimoe-<variant>)")
    String name;

    @Option(names = "--no-router", description = "domain variant: do not fit a domain router")
    boolean noRouter;

    @Mixin
    ModelOptions models;

    private RetrievalValidation retrieval;
    private PooledTexts pooledTexts;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        models.defaultTo(spec, org.scimoe.bundle.BundleCatalog.DEFAULT_BASE);
        PairDataset data = PairDataset.read(pairs);
        List<PairSets.Positive> train = data.positives().get(Split.TRAIN);
        if (train.isEmpty()) {
            throw new InputException(pairs + ": no training pairs");
        }
        List<String> domains = new ArrayList<>(new TreeSet<>(EpochBatches.counts(train).keySet()));
        ModelBundle base = models.catalog().get(models.model);
        ModelSpec modelSpec = modelSpec(domains, base);
        String bundleName = name != null ? name : "scimoe-" + variant.toLowerCase(Locale.ROOT);
        Files.createDirectories(out);
        var err = spec.commandLine().getErr();
        TrainingConfig config = TrainingConfig.defaults().withLearningRates(lr, lrNew).withSchedule(warmup, steps).withMaxTokens(maxTokens)
                .withDropout(dropout, seed).withLoss(new MultipleNegativesRankingLoss(scale, symmetric)).withPreservation(preserveWeight);
        ObjectMapper json = new ObjectMapper();
        ObjectNode summary = json.createObjectNode();
        summary.put("variant", describe(modelSpec)).put("command", "scimoe-train " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        EpochBatches.counts(train).forEach(summary.putObject("trainPairs")::put);

        try (MoeEncoder model = MoeEncoder.load(base, modelSpec); Trainer trainer = new Trainer(model, config);
             BufferedWriter log = resume
                     ? Files.newBufferedWriter(out.resolve("train-log.jsonl"), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)
                     : Files.newBufferedWriter(out.resolve("train-log.jsonl"))) {
            summary.put("parameters", model.parameters().count(false)).put("trainableParameters", model.parameters().count(true));
            Map<String, AbstractDoc> docs = data.docs();
            boolean cached = modelSpec.variant() == ModelSpec.Variant.SB_MOE && !modelSpec.trainEncoder();
            List<PairSets.Positive> validPositives = validateEvery > 0 ? data.positives().get(Split.VALID) : List.of();
            List<PairSets.Positive> toPool = new ArrayList<>(); // only documents of domains that train are ever pooled
            train.stream().filter(p -> trains(p.domain())).forEach(toPool::add);
            validPositives.stream().filter(p -> trains(p.domain())).forEach(toPool::add);
            List<String> keptDocs = cached && preserveWeight > 0 ? preservedDocs(data) : List.of();
            if (preserveWeight > 0 && keptDocs.isEmpty()) {
                throw new InputException("--preserve-weight needs an SB-MoE block on cached vectors (--variant sbmoe --freeze-encoder) "
                        + "and training documents of a domain that does not train (--domain-pairs DOMAIN=0)");
            }
            Map<String, float[]> pooled = cached ? poolOnce(model, trainer, toPool, keptDocs, docs) : Map.of();
            List<String> preserved = new ArrayList<>(keptDocs);
            if (!keptDocs.isEmpty()) { // queries are short: the titles of the kept documents stand in for them, pooled as queries
                Map<String, String> titles = new java.util.LinkedHashMap<>();
                keptDocs.forEach(id -> {
                    String title = docs.get(id).title();
                    if (title != null && !title.isBlank()) {
                        titles.put("title:" + id, title);
                    }
                });
                pooled.putAll(pooledTexts(model, trainer).byKey(titles, Role.QUERY));
                preserved.addAll(titles.keySet());
            }
            testQrels.keySet().stream().filter(n -> !testBenchmarks.containsKey(n)).findFirst().ifPresent(n -> {
                throw new InputException("--test-qrels " + n + ": no --test-benchmark of that name");
            });
            if ((!testBenchmarks.isEmpty() || testPairs) && !cached) {
                throw new InputException("--test-benchmark and --test-pairs need an SB-MoE block on cached vectors (--variant sbmoe --freeze-encoder)");
            }
            if (validBenchmark != null && !cached) {
                throw new InputException("--valid-benchmark needs an SB-MoE block on cached vectors (--variant sbmoe --freeze-encoder)");
            }
            retrieval = validBenchmark == null ? null : retrievalValidation(model, trainer, validBenchmark);
            summary.put("preserveWeight", preserveWeight).put("preservedDocuments", keptDocs.size()).put("preservedTexts", preserved.size());
            if (resume) {
                Path checkpoint = out.resolve("checkpoint.bin");
                if (!Files.isRegularFile(checkpoint)) {
                    throw new InputException("--resume: no checkpoint at " + checkpoint);
                }
                trainer.resume(checkpoint);
                err.printf("resumed from %s at update %d%n", checkpoint, trainer.updates());
            }
            Validation validation = null;
            BestWeights best = null;
            if (validateEvery > 0) {
                validation = validation(data, validPositives, pooled, cached, modelSpec, domains);
                Map<String, Integer> expertIndex = null;
                if (modelSpec.variant() == ModelSpec.Variant.DOMAIN_ROUTED && !modelSpec.trainEncoder()) {
                    expertIndex = new java.util.TreeMap<>();
                    for (int i = 0; i < domains.size(); i++) {
                        expertIndex.put(domains.get(i), i);
                    }
                }
                best = new BestWeights(model.parameters(), expertIndex);
                best.offer(trainer.updates(), validate(validation, trainer, model, trainer.updates(), log, json, err)); // a resumed run starts at its update
            }
            Validation validationRun = validation;
            BestWeights bestRun = best;
            long started = System.nanoTime();
            long[] examples = {0};
            double[] window = {0, 0};
            Set<org.scimoe.training.pairs.DocPair> known = new java.util.HashSet<>();
            if (maskKnownPositives) {
                train.forEach(p -> known.add(p.pair()));
            }
            TrainingLoop.Summary result = TrainingLoop.run(trainer, epoch -> {
                List<PairBatch> batches = new ArrayList<>();
                Random sampler = new Random(seed * 1000L + epoch + 1);
                for (EpochBatches.Batch b : EpochBatches.plan(train, batch, pairsPerDomain, domainPairs, minBatch, seed * 1000L + epoch)) {
                    boolean[] excluded = maskKnownPositives ? PairBatches.excluded(b, known) : null;
                    batches.add(cached ? PairBatches.pooledBatch(b, pooled, excluded, PairBatches.sample(preserved, b.anchors().size(), sampler))
                            : PairBatches.textBatch(b, docs, modelSpec, domains, excluded));
                }
                return batches;
            }, new TrainingLoop.Options(epochs, steps, checkpointEvery, out.resolve("checkpoint.bin")), (epoch, r) -> {
                examples[0] += r.pairs();
                window[0] += r.skipped() ? 0 : r.loss();
                window[1] += r.skipped() ? 0 : 1;
                try {
                    log.write(json.writeValueAsString(json.createObjectNode().put("step", r.update()).put("epoch", epoch)
                            .put("loss", r.loss()).put("gradNorm", r.gradNorm()).put("lr", r.learningRate())
                            .put("skipped", r.skipped()).put("pairs", r.pairs()).put("seconds", r.nanos() / 1e9)));
                    log.newLine();
                    log.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                if (validationRun != null && !r.skipped() && (r.update() % validateEvery == 0 || r.update() == steps)) {
                    bestRun.offer(r.update(), validate(validationRun, trainer, model, r.update(), log, json, err));
                }
                if (r.update() % 10 == 0 || r.update() == steps) {
                    double elapsed = (System.nanoTime() - started) / 1e9;
                    err.printf(Locale.ROOT, "step %d/%d  epoch %d  loss %.4f  %.1f examples/s  ETA %.0f s%n", r.update(), steps, epoch,
                            window[0] / Math.max(1, window[1]), examples[0] / elapsed, elapsed / r.update() * (steps - r.update()));
                    err.flush();
                    window[0] = 0;
                    window[1] = 0;
                }
            });
            if (best != null) {
                best.restore();
                best.bestSteps().forEach(summary.putObject("bestStep")::put);
                err.printf("kept the best weights by %s: steps %s%n", retrieval == null ? "validation loss" : "the validation benchmark's nDCG@10",
                        best.bestSteps());
                trainer.save(out.resolve("best-checkpoint.bin"));
            }
            summary.put("updates", result.updates()).put("skippedSteps", result.skipped()).put("lastEpochMeanLoss", result.lastEpochMeanLoss())
                    .put("trainSeconds", result.nanos() / 1e9).put("examplesPerSecond", examples[0] / (result.nanos() / 1e9));

            if (cached && (!testBenchmarks.isEmpty() || testPairs)) {
                writeTests(model, trainer, data, json, err);
            }
            BundleExporter.Spec bundleSpec = new BundleExporter.Spec(bundleName, "0.1.0", describe(modelSpec) + ", trained on " + pairs.getFileName(), summary.deepCopy());
            Path modelDir = out.resolve("model");
            MoeRecipe recipe = ModelExport.save(model, bundleSpec, null, modelDir, TensorArchive.DType.FLOAT16);
            if (modelSpec.variant() == ModelSpec.Variant.DOMAIN_ROUTED && !noRouter) {
                recipe = addRouter(recipe, modelDir, base, data, domains, summary, err);
            }
            ModelBundle built = MoeBundleBuilder.build(recipe, MoeBundleBuilder.readWeights(modelDir.resolve(recipe.weightsFile()), base), base,
                    out.resolve("bundle").resolve(bundleName));
            summary.put("bundle", built.directory().toString());
            err.printf("bundle %s written from %s (%.1f MB of fp16 weights)%n", built.directory(), modelDir,
                    Files.size(modelDir.resolve(recipe.weightsFile())) / 1e6);
        }
        Files.writeString(out.resolve("summary.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
        spec.commandLine().getOut().println(out.resolve("summary.json"));
        return 0;
    }

    /** Whether a domain gets training batches (a quota of 0 leaves its weights as they are). */
    private boolean trains(String domain) {
        return domainPairs.getOrDefault(domain, pairsPerDomain) > 0;
    }

    /** Fixed validation batches per domain and a sample of labelled validation pairs per domain. */
    private Validation validation(PairDataset data, List<PairSets.Positive> validPositives, Map<String, float[]> pooled, boolean cached,
                                  ModelSpec modelSpec, List<String> domains) {
        Set<org.scimoe.training.pairs.DocPair> known = new java.util.HashSet<>();
        validPositives.forEach(p -> known.add(p.pair()));
        Map<String, List<PairBatch>> batches = new java.util.TreeMap<>();
        for (EpochBatches.Batch b : EpochBatches.plan(validPositives, batch, validPairs, seed + 7)) {
            if (!domains.contains(b.domain()) || !trains(b.domain())) {
                continue; // a domain that does not train needs no validation: its weights stay as they are
            }
            boolean[] excluded = maskKnownPositives ? PairBatches.excluded(b, known) : null;
            batches.computeIfAbsent(b.domain(), d -> new ArrayList<>())
                    .add(cached ? PairBatches.pooledBatch(b, pooled, excluded) : PairBatches.textBatch(b, data.docs(), modelSpec, domains, excluded));
        }
        // labelled pairs come as (positive, its negative): sample whole couples per domain
        List<org.scimoe.training.pairs.LabelledPair> all = data.labelled().get(Split.VALID);
        List<Integer> couples = new ArrayList<>();
        for (int i = 0; i + 1 < all.size(); i += 2) {
            couples.add(i);
        }
        java.util.Collections.shuffle(couples, new Random(seed + 11));
        Map<String, Integer> taken = new HashMap<>();
        List<org.scimoe.training.pairs.LabelledPair> labelled = new ArrayList<>();
        for (int i : couples) {
            String d = all.get(i).domain();
            if (domains.contains(d) && trains(d) && taken.merge(d, 1, Integer::sum) <= validLabelled) {
                labelled.add(all.get(i));
                labelled.add(all.get(i + 1));
            }
        }
        return new Validation(batches, labelled, data.docs(), modelSpec.variant() == ModelSpec.Variant.DOMAIN_ROUTED ? domains : null);
    }

    private Map<String, Validation.Score> validate(Validation validation, Trainer trainer, MoeEncoder model, int step, BufferedWriter log,
                                                   ObjectMapper json, java.io.PrintWriter err) {
        long t0 = System.nanoTime();
        Map<String, Validation.Score> scores = validation.run(trainer, model);
        double ndcg = retrieval == null ? Double.NaN : retrieval.ndcg(model);
        ObjectNode line = json.createObjectNode().put("step", step).put("validSeconds", (System.nanoTime() - t0) / 1e9);
        if (retrieval != null) {
            line.put("validNdcg10", ndcg);
        }
        ObjectNode v = line.putObject("valid");
        StringBuilder text = new StringBuilder();
        scores.forEach((d, s) -> {
            v.putObject(d).put("loss", s.loss()).put("f1max", s.f1max());
            text.append(String.format(Locale.ROOT, " %s %.4f/%.4f", d, s.loss(), s.f1max()));
        });
        try {
            log.write(json.writeValueAsString(line));
            log.newLine();
            log.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        err.printf(Locale.ROOT, "valid @%d (loss/F1max):%s%s%n", step, text,
                retrieval == null ? "" : String.format(Locale.ROOT, "  benchmark nDCG@10 %.4f", ndcg));
        err.flush();
        if (retrieval == null) {
            return scores;
        }
        // the kept weights follow the benchmark: BestWeights keeps the lowest value, so offer 1 - nDCG@10
        Map<String, Validation.Score> byRetrieval = new java.util.TreeMap<>(scores);
        byRetrieval.put(Validation.ALL, new Validation.Score(1 - ndcg, Double.NaN));
        return byRetrieval;
    }

    private ModelSpec modelSpec(List<String> domains, ModelBundle base) {
        return switch (variant.toLowerCase(Locale.ROOT)) {
            case "shared" -> (freezeEncoder ? ModelSpec.sharedFfn(expertLayers(base)) : ModelSpec.shared()).withSeed(seed);
            case "domain" -> ModelSpec.domainRouted(domains, expertLayers(base)).withTraining(!freezeEncoder, false).withSeed(seed);
            case "sbmoe" -> ModelSpec.sbMoe(new SbMoeOptions(experts, hidden, GatePooling.valueOf(gate.toUpperCase(Locale.ROOT)), !noResidual, 0.02f),
                    !freezeEncoder, seed);
            default -> throw new InputException("--variant must be shared, domain or sbmoe, not '" + variant + "'");
        };
    }

    /** null: the model's default (the middle layer). */
    private Set<Integer> expertLayers(ModelBundle base) {
        if (layers.equals("middle")) {
            return null;
        }
        Set<Integer> set = new LinkedHashSet<>();
        if (layers.equals("all")) {
            int count = new org.scimoe.training.onnx.BertGraph(org.scimoe.training.onnx.OnnxGraph.read(base.modelPath())).layers();
            for (int i = 0; i < count; i++) {
                set.add(i);
            }
            return set;
        }
        for (String p : layers.split(",")) {
            set.add(Integer.parseInt(p.trim()));
        }
        return set;
    }

    private String describe(ModelSpec s) {
        return switch (s.variant()) {
            case SHARED -> "shared fine-tuning";
            case DOMAIN_ROUTED -> "domain-routed experts in layers " + (layers.equals("middle") ? "middle" : layers);
            case SB_MOE -> "SB-MoE N=" + experts + " " + gate.toUpperCase(Locale.ROOT) + (freezeEncoder ? ", encoder frozen" : "");
        } + ", " + steps + " steps x " + batch + " pairs, "
                + (s.variant() == ModelSpec.Variant.SB_MOE && freezeEncoder && poolWithEngine ? "vectors pooled at the bundle's token limit" : maxTokens + " tokens")
                + ", seed " + seed;
    }

    /** The validation benchmark's queries and corpus, pooled once by the base encoder (in the pool cache, under their own keys). */
    private RetrievalValidation retrievalValidation(MoeEncoder model, Trainer trainer, Path dir) {
        org.scimoe.eval.BeirCollection beir = org.scimoe.eval.BeirCollection.load(dir);
        String key = "valid-benchmark:" + dir.toAbsolutePath().normalize() + ":";
        List<String> queryIds = new ArrayList<>(beir.queries().keySet());
        List<String> documentIds = beir.corpus().stream().map(AbstractDoc::id).toList();
        Map<String, String> queryTexts = new java.util.LinkedHashMap<>();
        Map<String, String> documentTexts = new java.util.LinkedHashMap<>();
        queryIds.forEach(id -> queryTexts.put(key + "q:" + id, beir.queries().get(id)));
        beir.corpus().forEach(d -> documentTexts.put(key + "d:" + d.id(), d.embeddingText()));
        Map<String, float[]> vectors = new HashMap<>(pooledTexts(model, trainer).byKey(queryTexts, Role.QUERY));
        vectors.putAll(pooledTexts(model, trainer).byKey(documentTexts, Role.DOCUMENT));
        return new RetrievalValidation(queryIds, queryIds.stream().map(id -> vectors.get(key + "q:" + id)).toArray(float[][]::new),
                documentIds, documentIds.stream().map(id -> vectors.get(key + "d:" + id)).toArray(float[][]::new), beir.qrels());
    }

    /** Training-split documents of the domains that do not train: what the preservation term keeps in place. */
    private List<String> preservedDocs(PairDataset data) {
        List<String> ids = new ArrayList<>();
        data.docs().values().forEach(d -> {
            if (!trains(d.domain()) && data.splitOf().get(d.id()) == Split.TRAIN) {
                ids.add(d.id());
            }
        });
        return ids;
    }

    /** A frozen encoder's pooled vectors of every training document (and {@code extra} ones), computed once at the bundle's full length. */
    private Map<String, float[]> poolOnce(MoeEncoder model, Trainer trainer, List<PairSets.Positive> train, List<String> extra,
                                         Map<String, AbstractDoc> docs) {
        Set<String> ids = new TreeSet<>(extra);
        train.forEach(p -> {
            ids.add(p.pair().a());
            ids.add(p.pair().b());
        });
        Map<String, String> texts = new java.util.LinkedHashMap<>();
        ids.forEach(id -> texts.put(id, docs.get(id).embeddingText()));
        return pooledTexts(model, trainer).byKey(texts, Role.DOCUMENT);
    }

    /** The held-out tests of the kept block and of the base, on pooled vectors, into OUT/test.json. */
    private void writeTests(MoeEncoder model, Trainer trainer, PairDataset data, ObjectMapper json, java.io.PrintWriter err) throws IOException {
        Map<String, PooledBlockTests.Benchmark> benchmarks = new java.util.LinkedHashMap<>();
        testBenchmarks.forEach((name, dir) -> benchmarks.put(name, new PooledBlockTests.Benchmark(dir, testQrels.get(name))));
        PooledBlockTests tests = new PooledBlockTests(benchmarks, testPairs ? data.labelled().get(Split.TEST) : List.of(), data.docs());
        ObjectNode result = tests.run(model.base().manifest(), pooledTexts(model, trainer), model::head, model.parameters()::scope,
                json.createObjectNode(), err);
        Files.writeString(out.resolve("test.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
    }

    /** The store of the frozen base encoder's pooled vectors, made on first use. */
    private PooledTexts pooledTexts(MoeEncoder model, Trainer trainer) {
        if (pooledTexts == null) {
            var err = spec.commandLine().getErr();
            EncoderOptions options = EncoderOptions.DEFAULTS.withDevice(DeviceRequest.parse(models.device)).withThreads(models.threads);
            pooledTexts = new PooledTexts(poolCache, (texts, role) -> {
                long t0 = System.nanoTime();
                return poolWithEngine
                        ? PooledCache.poolWithEngine(model.base(), texts, role, options, done -> err.printf(Locale.ROOT,
                                "  pooled %d/%d (%.0f texts/s)%n", done, texts.size(), done / ((System.nanoTime() - t0) / 1e9)))
                        : PooledCache.pool(model, trainer.tokenizer(), texts, role, 16);
            }, err);
        }
        return pooledTexts;
    }

    /** Fits the domain router on training documents (validation documents measure it) and adds it to the saved model. */
    private MoeRecipe addRouter(MoeRecipe recipe, Path modelDir, ModelBundle base, PairDataset data, List<String> domains, ObjectNode summary,
                                java.io.PrintWriter err) throws IOException {
        Path work = out.resolve("router-work");
        // the saved (fp16) weights: the router is fitted on the model exactly as it will be served
        Map<String, org.scimoe.training.onnx.FloatTensor> tensors = new java.util.LinkedHashMap<>(
                MoeBundleBuilder.readWeights(modelDir.resolve(recipe.weightsFile()), base));
        ModelBundle routed = MoeBundleBuilder.build(recipe, tensors, base, work.resolve("routed"));
        List<String> fitTexts = new ArrayList<>();
        List<Integer> fitLabels = new ArrayList<>();
        List<String> heldTexts = new ArrayList<>();
        List<Integer> heldLabels = new ArrayList<>();
        Random random = new Random(seed);
        Map<String, Integer> taken = new HashMap<>();
        List<AbstractDoc> all = new ArrayList<>(data.docs().values());
        java.util.Collections.shuffle(all, random);
        for (AbstractDoc d : all) {
            int label = domains.indexOf(d.domain());
            Split s = data.splitOf().get(d.id());
            if (label < 0 || s == Split.TEST) {
                continue;
            }
            String key = s + "/" + d.domain();
            if (taken.merge(key, 1, Integer::sum) > 300) {
                continue; // 300 documents per domain and split are plenty for centroids
            }
            (s == Split.TRAIN ? fitTexts : heldTexts).add(d.embeddingText());
            (s == Split.TRAIN ? fitLabels : heldLabels).add(label);
        }
        EncoderOptions options = EncoderOptions.DEFAULTS.withDevice(DeviceRequest.parse(models.device)).withThreads(models.threads);
        RouterFit.Result fit = RouterFit.fit(routed, recipe.layers().stream().mapToInt(Integer::intValue).min().orElseThrow(), fitTexts,
                fitLabels.stream().mapToInt(Integer::intValue).toArray(), heldTexts, heldLabels.stream().mapToInt(Integer::intValue).toArray(),
                options, work);
        err.printf(Locale.ROOT, "domain router: %.1f%% right on %d validation documents%n", 100 * fit.heldOutAccuracy(), fit.heldOut());
        summary.put("routerAccuracy", fit.heldOutAccuracy()).put("routerHeldOut", fit.heldOut());
        tensors.put("router.weight", fit.router().weight());
        tensors.put("router.bias", fit.router().bias());
        TensorArchive.write(modelDir.resolve(recipe.weightsFile()), tensors, TensorArchive.DType.FLOAT16);
        MoeRecipe withRouter = new MoeRecipe(recipe.name(), recipe.version(), recipe.description(), recipe.baseBundle(), recipe.baseSha256(),
                recipe.design(), recipe.domains(), recipe.defaultDomain(), recipe.layers(), true, recipe.gatePooling(), recipe.experts(),
                recipe.residual(), recipe.weightsFile(), recipe.training());
        withRouter.write(modelDir.resolve(MoeRecipe.FILE_NAME));
        return withRouter;
    }
}
