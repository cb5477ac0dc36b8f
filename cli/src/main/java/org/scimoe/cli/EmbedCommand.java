package org.scimoe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.InvalidInputException;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.embed.Role;
import org.scimoe.io.AbstractsFile;
import org.scimoe.lucene.AbstractDoc;
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
        Role r = Role.valueOf(role.toUpperCase());
        List<AbstractDoc> docs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        AbstractsFile.read(input, docs::add, problems::add);
        ObjectMapper json = new ObjectMapper();
        try (OnnxEncoder encoder = models.open();
             PrintWriter out = output == null ? spec.commandLine().getOut() : new PrintWriter(Files.newBufferedWriter(output))) {
            List<AbstractDoc> good = new ArrayList<>();
            List<EmbedInput> inputs = new ArrayList<>();
            for (AbstractDoc d : docs) {
                EmbedInput in = new EmbedInput(d.embeddingText(), d.domain());
                try {
                    encoder.check(in);
                    good.add(d);
                    inputs.add(in);
                } catch (InvalidInputException e) {
                    problems.add("document '" + d.id() + "': " + e.getMessage());
                }
            }
            List<Embedding> vectors = encoder.embed(inputs, r);
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
