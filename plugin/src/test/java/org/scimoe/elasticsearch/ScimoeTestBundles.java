package org.scimoe.elasticsearch;

import java.nio.file.Path;

/** Where the tests find the real bundles that onnx-models builds. */
public final class ScimoeTestBundles {
    private ScimoeTestBundles() {}

    public static Path dir() {
        return ScimoeRestTestCase.bundlesDir();
    }
}
