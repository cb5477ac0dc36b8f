package org.scimoe.bundle;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a bundle picks its experts.
 *
 * <ul>
 *   <li>{@code none}: a plain encoder.</li>
 *   <li>{@code domain}: one expert per scientific domain; the caller's domain name is mapped to an
 *       expert id and fed to the graph through the int64 input {@link #input()} (shape [batch]). A
 *       bundle with a domain router ({@link #routerOutput()}) also takes texts without a domain: the
 *       engine feeds -1, the graph's router picks the expert, and its [batch, E] probabilities come
 *       back through that output.</li>
 *   <li>{@code gate}: a learned softmax gate inside the graph picks TOP-1 or mixes ALL experts; the
 *       graph may expose the gate weights through {@link #gateOutput()} for explanations.</li>
 * </ul>
 */
public record Routing(
        Mode mode,
        String input,
        Map<String, Integer> domains,
        String defaultDomain,
        GatePooling gatePooling,
        int experts,
        String gateOutput,
        String routerOutput) {

    public enum Mode { NONE, DOMAIN, GATE }

    /** SB-MoE pooling over experts: the single best expert, or the gate-weighted sum of all. */
    public enum GatePooling { TOP1, ALL }

    public static final Routing NONE = new Routing(Mode.NONE, null, Map.of(), null, null, 0, null, null);

    public Routing {
        domains = domains == null ? Map.of() : Map.copyOf(domains);
    }

    /** The graph output with per-text weights over the experts (the gate's, or the domain router's), or null. */
    public String weightsOutput() {
        return gateOutput != null ? gateOutput : routerOutput;
    }

    /** Domain names in expert-id order. */
    public List<String> domainNames() {
        return domains.entrySet().stream()
                .sorted(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .collect(Collectors.toList());
    }

    /** Expert id of a domain name, case-insensitively. */
    public Optional<Integer> expertOf(String domain) {
        if (domain == null) {
            return Optional.empty();
        }
        Integer id = domains.get(domain);
        if (id != null) {
            return Optional.of(id);
        }
        return domains.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(domain))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /** The canonical spelling of a domain name, as the manifest lists it. */
    public Optional<String> canonicalDomain(String domain) {
        if (domain == null) {
            return Optional.empty();
        }
        return domains.keySet().stream().filter(d -> d.equalsIgnoreCase(domain)).findFirst();
    }
}
