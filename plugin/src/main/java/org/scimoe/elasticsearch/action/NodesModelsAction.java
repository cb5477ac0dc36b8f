package org.scimoe.elasticsearch.action;

import org.elasticsearch.action.ActionType;

/** Gathers {@code _scimoe/models} from the nodes of the cluster. */
public final class NodesModelsAction {
    public static final String NAME = "cluster:monitor/scimoe/nodes/models";
    public static final ActionType<NodesModelsResponse> INSTANCE = new ActionType<>(NAME);

    private NodesModelsAction() {}
}
