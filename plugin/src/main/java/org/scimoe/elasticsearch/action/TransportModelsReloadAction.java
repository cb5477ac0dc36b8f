package org.scimoe.elasticsearch.action;

import java.io.IOException;
import java.util.List;
import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.nodes.TransportNodesAction;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.scimoe.elasticsearch.model.EmbedErrors;
import org.scimoe.elasticsearch.model.EmbeddingService;
import org.scimoe.elasticsearch.model.NodeModelsReport;

/**
 * Reloads a bundle on each selected node, on the generic pool: loading takes about a second and must
 * not hold a transport thread. A node where the new version does not load fails with the reason
 * (and keeps serving its loaded version, if any).
 */
public final class TransportModelsReloadAction
        extends TransportNodesAction<ModelsReloadRequest, ModelsReloadResponse, ModelReloadNodeRequest, ModelReloadNodeResponse, Void> {
    private final EmbeddingService service;

    @Inject
    public TransportModelsReloadAction(ThreadPool threadPool, ClusterService clusterService, TransportService transportService,
                                       ActionFilters actionFilters, EmbeddingService service) {
        super(ModelsReloadAction.NAME, clusterService, transportService, actionFilters, ModelReloadNodeRequest::new,
                threadPool.executor(ThreadPool.Names.GENERIC));
        this.service = service;
    }

    @Override
    protected ModelsReloadResponse newResponse(ModelsReloadRequest request, List<ModelReloadNodeResponse> nodes,
                                               List<FailedNodeException> failures) {
        return new ModelsReloadResponse(clusterService.getClusterName(), nodes, failures);
    }

    @Override
    protected ModelReloadNodeRequest newNodeRequest(ModelsReloadRequest request) {
        return new ModelReloadNodeRequest(request.model());
    }

    @Override
    protected ModelReloadNodeResponse newNodeResponse(StreamInput in, DiscoveryNode node) throws IOException {
        return new ModelReloadNodeResponse(in, node);
    }

    @Override
    protected ModelReloadNodeResponse nodeOperation(ModelReloadNodeRequest request, Task task) {
        try {
            return new ModelReloadNodeResponse(clusterService.localNode(), NodeModelsReport.model(service.registry().reload(request.model())));
        } catch (RuntimeException e) {
            throw (RuntimeException) EmbedErrors.toElasticsearch(e);
        }
    }
}
