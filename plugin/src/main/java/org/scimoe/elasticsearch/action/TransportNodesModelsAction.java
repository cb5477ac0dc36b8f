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
import org.scimoe.elasticsearch.model.EmbeddingService;
import org.scimoe.elasticsearch.model.NodeModelsReport;

/** Asks each selected node for its models report (on its management pool: it reads counters, loads nothing). */
public final class TransportNodesModelsAction
        extends TransportNodesAction<NodesModelsRequest, NodesModelsResponse, NodeModelsRequest, NodeModels, Void> {
    private final EmbeddingService service;

    @Inject
    public TransportNodesModelsAction(ThreadPool threadPool, ClusterService clusterService, TransportService transportService,
                                      ActionFilters actionFilters, EmbeddingService service) {
        super(NodesModelsAction.NAME, clusterService, transportService, actionFilters, NodeModelsRequest::new,
                threadPool.executor(ThreadPool.Names.MANAGEMENT));
        this.service = service;
    }

    @Override
    protected NodesModelsResponse newResponse(NodesModelsRequest request, List<NodeModels> nodes, List<FailedNodeException> failures) {
        return new NodesModelsResponse(clusterService.getClusterName(), nodes, failures);
    }

    @Override
    protected NodeModelsRequest newNodeRequest(NodesModelsRequest request) {
        return new NodeModelsRequest();
    }

    @Override
    protected NodeModels newNodeResponse(StreamInput in, DiscoveryNode node) throws IOException {
        return new NodeModels(in, node);
    }

    @Override
    protected NodeModels nodeOperation(NodeModelsRequest request, Task task) {
        return new NodeModels(clusterService.localNode(), NodeModelsReport.of(service));
    }
}
