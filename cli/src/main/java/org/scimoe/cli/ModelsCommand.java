package org.scimoe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import org.scimoe.bundle.BundleCatalog;
import org.scimoe.bundle.BundleManifest;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.bundle.Routing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "models", mixinStandardHelpOptions = true, description = "List the model bundles this CLI can use.")
final class ModelsCommand implements Callable<Integer> {
    @Mixin
    ModelOptions models;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BundleCatalog catalog = models.catalog();
        var out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = mapper.createObjectNode();
            ArrayNode list = root.putArray("models");
            for (ModelBundle b : catalog.bundles()) {
                BundleManifest m = b.manifest();
                ObjectNode n = list.addObject();
                n.put("name", m.name()).put("version", m.version()).put("dimensions", m.dimensions())
                        .put("pooling", m.pooling().name().toLowerCase()).put("maxTokens", m.maxTokens())
                        .put("precision", m.precision()).put("routing", m.routing().mode().name().toLowerCase())
                        .put("path", b.directory().toString());
                m.routing().domainNames().forEach(n.putArray("domains")::add);
                n.put("router", m.routing().routerOutput() != null);
                if (m.routing().mode() == Routing.Mode.GATE) {
                    n.put("experts", m.routing().experts()).put("gatePooling", m.routing().gatePooling().name().toLowerCase());
                }
            }
            ArrayNode problems = root.putArray("problems");
            catalog.problems().forEach(p -> problems.addObject().put("path", p.directory().toString()).put("reason", p.reason()));
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            out.printf("%-20s %5s %-8s %-6s %-14s %s%n", "NAME", "DIMS", "POOLING", "PREC", "ROUTING", "DOMAINS");
            for (ModelBundle b : catalog.bundles()) {
                BundleManifest m = b.manifest();
                out.printf("%-20s %5d %-8s %-6s %-14s %s%n", m.name(), m.dimensions(), m.pooling().name().toLowerCase(), m.precision(),
                        routingLabel(m.routing()), m.routing().domainNames().isEmpty() ? "-" : String.join(",", m.routing().domainNames()));
            }
            catalog.problems().forEach(p -> out.println("unusable: " + p.directory() + ": " + p.reason()));
        }
        out.flush();
        return 0;
    }

    /** none | domain | domain+router | gate-top1/4 */
    private static String routingLabel(Routing r) {
        return switch (r.mode()) {
            case NONE -> "none";
            case DOMAIN -> r.routerOutput() != null ? "domain+router" : "domain";
            case GATE -> "gate-" + r.gatePooling().name().toLowerCase() + "/" + r.experts();
        };
    }
}
