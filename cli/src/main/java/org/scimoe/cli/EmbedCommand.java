package org.scimoe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.io.AbstractsFile;
import org.scimoe.ScimoeException;
import org.scimoe.lucene.AbstractDoc;
import org.scimoe.lucene.ScreenedDocs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "JSONL in ({id, title?, text, domain?}), JSONL of vectors out ({id, vector, tokens, truncated, domain?}).")
final class EmbedCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "JSONL input file")
    Path input;

    @Option(names = {"-o", "--output"}, description = "output file (default: stdout)")
    Path output;

    @Option(names = "--role", defaultValue = "document", description = "query or document: which prefix the bundle applies (default: ${DEFAULT-VALUE})")
    String role;

    @Mixin
    ModelOptions models;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Role r = switch (role.toLowerCase()) {
            case "query" -> Role.QUERY;
            case "document" -> Role.DOCUMENT;
            default -> throw new ScimoeException("--role must be query or document, not '" + role + "'");
        };
        List<AbstractDoc> docs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        AbstractsFile.read(input, docs::add, problems::add);
        ObjectMapper json = new ObjectMapper();
        try (OnnxEncoder encoder = models.open();
             PrintWriter out = output == null ? spec.commandLine().getOut() : new PrintWriter(Files.newBufferedWriter(output))) {
            ScreenedDocs screened = ScreenedDocs.screen(docs, encoder);
            problems.addAll(screened.rejected());
            List<AbstractDoc> good = screened.accepted();
            Progress progress = new Progress(System.err, good.size());
            List<Embedding> vectors = encoder.embed(screened.inputs(), r, progress);
            progress.finish();
            for (int i = 0; i < good.size(); i++) {
                Embedding e = vectors.get(i);
                ObjectNode n = json.createObjectNode().put("id", good.get(i).id());
                var arr = n.putArray("vector");
                for (float f : e.vector()) {
                    arr.add(f);
                }
                n.put("tokens", e.tokens()).put("truncated", e.truncated());
                if (e.domain() != null) {
                    n.put("domain", e.domain()).put("expert", e.expert());
                }
                out.println(json.writeValueAsString(n));
            }
            out.flush();
            problems.forEach(p -> spec.commandLine().getErr().println("skipped: " + p));
            spec.commandLine().getErr().printf("embedded %d, skipped %d%n", good.size(), problems.size());
        }
        return 0;
    }
}
