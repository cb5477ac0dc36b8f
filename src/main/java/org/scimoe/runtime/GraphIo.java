package org.scimoe.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;
import org.scimoe.bundle.BundleException;

/** A loaded graph's inputs and outputs by name, read once for {@link GraphContract} and {@link GraphSignature}. */
record GraphIo(Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {

    /** @param whose how an error names the graph, e.g. "bundle 'x': " or "" */
    static GraphIo of(OrtSession session, String whose) {
        try {
            return new GraphIo(session.getInputInfo(), session.getOutputInfo());
        } catch (OrtException e) {
            throw new BundleException(whose + "cannot read the graph's signature: " + e.getMessage(), e);
        }
    }
}
