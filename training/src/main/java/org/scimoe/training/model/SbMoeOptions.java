package org.scimoe.training.model;

import org.scimoe.ScimoeException;
import org.scimoe.bundle.Routing.GatePooling;

/**
 * The SB-MoE block's shape: how many experts, their hidden size, TOP-1 or ALL, whether the block adds
 * to the pooled vector, and the spread of its random initial weights.
 */
public record SbMoeOptions(int experts, int hidden, GatePooling pooling, boolean residual, float initStd) {

    public SbMoeOptions {
        if (experts < 1 || hidden < 1) {
            throw new ScimoeException("an SB-MoE block needs at least one expert and a hidden size > 0");
        }
        if (!(initStd >= 0)) {
            throw new ScimoeException("initStd must be >= 0");
        }
    }

    public static SbMoeOptions of(int experts, int hidden, GatePooling pooling) {
        return new SbMoeOptions(experts, hidden, pooling, true, 0.02f);
    }
}
