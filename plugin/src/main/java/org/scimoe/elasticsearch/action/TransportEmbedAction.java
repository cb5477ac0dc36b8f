package org.scimoe.elasticsearch.action;

import java.util.List;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.TransportAction;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.scimoe.elasticsearch.model.EmbeddingService;
import org.scimoe.embed.EmbedInput;

/** Runs {@link EmbedAction} on this node; the inference itself is forked to the plugin's pool. */
public final class TransportEmbedAction extends TransportAction<EmbedRequest, EmbedResponse> {
    private final EmbeddingService service;

    @Inject
    public TransportEmbedAction(TransportService transportService, ActionFilters actionFilters, EmbeddingService service) {
        super(EmbedAction.NAME, actionFilters, transportService.getTaskManager(), EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.service = service;
    }

    @Override
    protected void doExecute(Task task, EmbedRequest request, ActionListener<EmbedResponse> listener) {
        List<EmbedInput> inputs = request.texts().stream().map(t -> new EmbedInput(t, request.domain())).toList();
        CancellableTask cancellable = task instanceof CancellableTask c ? c : null;
        service.embed(request.model(), inputs, request.role(), cancellable, listener.delegateFailureAndWrap((l, embeddings) -> {
            int dims = embeddings.isEmpty() ? 0 : embeddings.get(0).vector().length;
            l.onResponse(new EmbedResponse(service.registry().resolveName(request.model()), dims, embeddings));
        }));
    }
}
