package org.scimoe.elasticsearch.model;

import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.elasticsearch.test.ESTestCase;

/** Node paths leave error messages; names that only look like paths stay. */
public class PathRedactorTests extends ESTestCase {

    public void testSourcesByLabelOtherFilesByName() throws Exception {
        Path dirs = createTempDir().toAbsolutePath();
        Path config = Files.createDirectories(dirs.resolve("config").resolve("scimoe").resolve("models"));
        Path extra = Files.createDirectories(dirs.resolve("extra"));
        PathRedactor redactor = new PathRedactor(List.of(ModelSource.operator("config/scimoe/models", config),
                ModelSource.operator("scimoe.models.dirs[0]", extra)));

        assertThat(redactor.redact("ONNX Runtime cannot load " + extra + "/broken/model.onnx: Load model from " + extra
                        + "/broken/model.onnx failed"),
                equalTo("ONNX Runtime cannot load [scimoe.models.dirs[0]]/broken/model.onnx: Load model from "
                        + "[scimoe.models.dirs[0]]/broken/model.onnx failed"));
        assertThat(redactor.redact("bundle 'm': " + config + "/m/model.onnx is damaged"),
                equalTo("bundle 'm': [config/scimoe/models]/m/model.onnx is damaged"));
        // A file elsewhere on the node (here: the test's temp dir) keeps only its name.
        assertThat(redactor.redact("cannot extract " + dirs + "/tmp/libonnxruntime.so: no space"),
                equalTo("cannot extract .../libonnxruntime.so: no space"));
        // Graph names and action names are not files.
        String graph = "output.name '/encoder/layer.3/output/LayerNorm/Add_1_output_0' is not an output of the graph";
        assertThat(redactor.redact(graph), equalTo(graph));
        assertThat(redactor.redact("action [cluster:monitor/scimoe/embed] is unauthorized"),
                equalTo("action [cluster:monitor/scimoe/embed] is unauthorized"));
    }
}
