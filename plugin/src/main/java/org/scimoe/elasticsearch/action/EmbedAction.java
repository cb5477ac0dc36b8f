package org.scimoe.elasticsearch.action;

import org.elasticsearch.action.ActionType;

/**
 * Embeds texts on the local node: {@code POST _scimoe/_embed}. Named under {@code cluster:monitor/}, so
 * Elasticsearch's {@code monitor} (and {@code manage}, {@code all}) cluster privilege grants it, as its
 * own inference APIs need a cluster privilege. The query vector builder does not use it (a search's
 * own privileges cover its embedding).
 */
public final class EmbedAction {
    public static final String NAME = "cluster:monitor/scimoe/embed";
    public static final ActionType<EmbedResponse> INSTANCE = new ActionType<>(NAME);

    private EmbedAction() {}
}
