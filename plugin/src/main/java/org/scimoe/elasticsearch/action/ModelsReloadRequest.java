package org.scimoe.elasticsearch.action;

import org.elasticsearch.action.support.nodes.BaseNodesRequest;

/** The bundle to reload, on the given nodes (none = all). */
public final class ModelsReloadRequest extends BaseNodesRequest {
    private final String model;

    public ModelsReloadRequest(String model, String... nodeIds) {
        super(nodeIds);
        this.model = model;
    }

    public String model() {
        return model;
    }
}
