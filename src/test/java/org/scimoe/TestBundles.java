package org.scimoe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.scimoe.bundle.BundleCatalog;
import org.scimoe.bundle.ModelBundle;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.runtime.DeviceRequest;

/** The real bundles that onnx-models builds; tests never use a mock model. */
public final class TestBundles {
    public static final String FP32 = "minilm-l6-v2";
    public static final String INT8 = "minilm-l6-v2-q";

    private static OnnxEncoder fp32;
    private static OnnxEncoder int8;

    private TestBundles() {}

    public static Path root() {
        String dir = System.getProperty("scimoe.bundles.dir", "../onnx-models/target/bundles");
        Path root = Path.of(dir);
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("no bundles at " + root + ": build onnx-models first (bin/test does)");
        }
        return root;
    }

    public static ModelBundle bundle(String name) {
        return BundleCatalog.scan(List.of(root())).get(name);
    }

    /** One shared fp32 encoder for the whole test JVM (loading costs about a second). */
    public static synchronized OnnxEncoder fp32() {
        if (fp32 == null) {
            fp32 = OnnxEncoder.load(bundle(FP32), EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(2));
        }
        return fp32;
    }

    public static synchronized OnnxEncoder int8() {
        if (int8 == null) {
            int8 = OnnxEncoder.load(bundle(INT8), EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(2));
        }
        return int8;
    }

    public static Path resource(String name) {
        try {
            return Path.of(TestBundles.class.getClassLoader().getResource(name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }
}
