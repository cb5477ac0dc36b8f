package org.scimoe.elasticsearch.action;

import java.io.IOException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.transport.AbstractTransportRequest;

/** The per-node part of {@link ModelsReloadRequest}: which bundle. */
public final class ModelReloadNodeRequest extends AbstractTransportRequest {
    private final String model;

    public ModelReloadNodeRequest(String model) {
        this.model = model;
    }

    public ModelReloadNodeRequest(StreamInput in) throws IOException {
        super(in);
        this.model = in.readString();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeString(model);
    }

    public String model() {
        return model;
    }
}
