package org.scimoe.elasticsearch.action;

import org.elasticsearch.action.ActionType;

/** Embeds texts on the local node (the REST _embed endpoint and the query vector builder use it). */
public final class EmbedAction {
    public static final String NAME = "cluster:monitor/scimoe/embed";
    public static final ActionType<EmbedResponse> INSTANCE = new ActionType<>(NAME);

    private EmbedAction() {}
}
