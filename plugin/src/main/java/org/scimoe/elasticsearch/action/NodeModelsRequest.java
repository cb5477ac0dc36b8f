package org.scimoe.elasticsearch.action;

import java.io.IOException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.transport.AbstractTransportRequest;

/** The per-node part of {@link NodesModelsRequest}: nothing to say but "report". */
public final class NodeModelsRequest extends AbstractTransportRequest {
    public NodeModelsRequest() {}

    public NodeModelsRequest(StreamInput in) throws IOException {
        super(in);
    }
}
