package org.scimoe.elasticsearch.action;

import org.elasticsearch.action.ActionType;

/**
 * Gathers {@code _scimoe/models} from the nodes of the cluster (or the local node only, for
 * {@code GET _scimoe/models}). Read-only monitoring: {@code cluster:monitor/}, granted by {@code monitor}.
 */
public final class NodesModelsAction {
    public static final String NAME = "cluster:monitor/scimoe/nodes/models";
    public static final ActionType<NodesModelsResponse> INSTANCE = new ActionType<>(NAME);

    private NodesModelsAction() {}
}
