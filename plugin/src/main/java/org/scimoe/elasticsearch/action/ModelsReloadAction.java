package org.scimoe.elasticsearch.action;

import org.elasticsearch.action.ActionType;

/**
 * Reloads one bundle on every node ({@code POST _scimoe/models/<name>/_reload}). Model administration:
 * named under {@code cluster:admin/}, so Elasticsearch's {@code manage} (and {@code all}) cluster
 * privilege grants it and {@code monitor} does not.
 */
public final class ModelsReloadAction {
    public static final String NAME = "cluster:admin/scimoe/models/reload";
    public static final ActionType<ModelsReloadResponse> INSTANCE = new ActionType<>(NAME);

    private ModelsReloadAction() {}
}
