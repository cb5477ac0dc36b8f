package org.scimoe.training.model;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.scimoe.ScimoeException;

/**
 * What to build on the pretrained encoder: the plain shared model, domain experts in chosen layers,
 * or an SB-MoE block after pooling; and what trains.
 *
 * @param domains        for DOMAIN_ROUTED, one expert per domain, in expert-id order
 * @param expertLayers   for DOMAIN_ROUTED, the layers whose FFN becomes experts (empty: the middle layer)
 * @param sbMoe          for SB_MOE, the block's options
 * @param trainEncoder   false freezes every pretrained weight (domain experts and the SB-MoE block still train)
 * @param trainWordEmbeddings  whether the word embedding table trains (its dense gradient is large)
 * @param seed           for the SB-MoE block's initial weights
 */
public record ModelSpec(Variant variant, List<String> domains, Set<Integer> expertLayers, SbMoeOptions sbMoe,
                        boolean trainEncoder, boolean trainWordEmbeddings, long seed) {

    public enum Variant {
        SHARED,
        DOMAIN_ROUTED,
        SB_MOE
    }

    public ModelSpec {
        domains = domains == null ? List.of() : List.copyOf(domains);
        expertLayers = expertLayers == null ? Set.of() : new TreeSet<>(expertLayers);
        if (variant == Variant.DOMAIN_ROUTED && domains.isEmpty()) {
            throw new ScimoeException("a domain-routed model needs its list of domains");
        }
        if (variant == Variant.SB_MOE && sbMoe == null) {
            throw new ScimoeException("an SB-MoE model needs its block's options");
        }
    }

    public static ModelSpec shared() {
        return new ModelSpec(Variant.SHARED, null, null, null, true, false, 0);
    }

    /**
     * The shared baseline of a frozen-encoder domain-routed model: the same FFN layers train, as one
     * FFN for every domain, and nothing else does (none given: the middle layer).
     */
    public static ModelSpec sharedFfn(Set<Integer> layers) {
        return new ModelSpec(Variant.SHARED, null, layers, null, false, false, 0);
    }

    /** Whether only the FFN of {@link #expertLayers} trains in a shared model (see {@link #sharedFfn}). */
    public boolean trainsSharedFfnOnly() {
        return variant == Variant.SHARED && !trainEncoder;
    }

    /** Domain experts in the given layers (none given: the middle layer). */
    public static ModelSpec domainRouted(List<String> domains, Set<Integer> layers) {
        return new ModelSpec(Variant.DOMAIN_ROUTED, domains, layers, null, true, false, 0);
    }

    public static ModelSpec sbMoe(SbMoeOptions options, boolean trainEncoder, long seed) {
        return new ModelSpec(Variant.SB_MOE, null, null, options, trainEncoder, false, seed);
    }

    public ModelSpec withTraining(boolean encoder, boolean wordEmbeddings) {
        return new ModelSpec(variant, domains, expertLayers, sbMoe, encoder, wordEmbeddings, seed);
    }

    public ModelSpec withSeed(long value) {
        return new ModelSpec(variant, domains, expertLayers, sbMoe, trainEncoder, trainWordEmbeddings, value);
    }

    /** The layers that carry experts for an encoder of {@code layers} layers. */
    Set<Integer> expertLayers(int layers) {
        return expertLayers.isEmpty() ? Set.of(layers / 2) : expertLayers;
    }
}
