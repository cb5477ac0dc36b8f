package org.scimoe.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Index the demo abstracts that ship with SciMoE (four scientific domains) and run a few searches.")
final class DemoCommand implements Callable<Integer> {
    private static final String[][] QUERIES = {
        {"the crystalline lens in vertebrates, including humans", "knn", null},
        {"pressure distribution on a wing at supersonic speed", "hybrid", null},
        {"automatic indexing and retrieval of documents", "knn", "information-science"},
        {"compiler for an algebraic programming language", "bm25", null},
    };

    @Option(names = "--abstracts", description = "JSONL abstracts (default: the demo set)")
    Path abstracts;

    @Option(names = "--index", description = "index directory, recreated (default: target/demo-index)")
    Path index;

    @Option(names = "--model", description = "model bundle (default: the default bundle)")
    String model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path home = Path.of(System.getProperty("scimoe.home", "."));
        Path docs = abstracts != null ? abstracts : home.resolve("demo/abstracts.jsonl");
        Path dir = index != null ? index : home.resolve("target/demo-index");
        deleteTree(dir);
        CommandLine root = spec.root().commandLine();
        String[] modelArgs = model == null ? new String[0] : new String[] {"--model", model};
        int status = root.execute(concat(new String[] {"index", docs.toString(), "--index", dir.toString()}, modelArgs));
        if (status != 0) {
            return status;
        }
        for (String[] q : QUERIES) {
            root.getOut().printf("%nquery: \"%s\"  (%s%s)%n", q[0], q[1], q[2] == null ? "" : ", domain " + q[2]);
            String[] args = {"search", q[0], "--index", dir.toString(), "--k", "3", "--mode", q[1]};
            if (q[2] != null) {
                args = concat(args, new String[] {"--domain", q[2]});
            }
            status = root.execute(concat(args, modelArgs));
            if (status != 0) {
                return status;
            }
        }
        return 0;
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
