package org.scimoe.elasticsearch.model;

import static org.hamcrest.Matchers.contains;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.elasticsearch.test.ESTestCase;
import org.scimoe.bundle.BundleCatalog;
import org.scimoe.elasticsearch.ScimoeTestBundles;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.OnnxEncoder;
import org.scimoe.runtime.DeviceRequest;

/** What a bundle's slot asks its loader for, with the real MiniLM bundle. */
public class ModelSlotTests extends ESTestCase {

    /** The start-up check opens the bundle only to prove it (one session); the first use opens it to serve. */
    public void testStartUpCheckOpensToProveAndFirstUseOpensToServe() {
        BundleSources.Found found = new BundleSources.Found(BundleCatalog.scan(List.of(ScimoeTestBundles.dir())).get("minilm-l6-v2"),
                ModelSource.builtIn(ScimoeTestBundles.dir()), null);
        List<Boolean> serving = new CopyOnWriteArrayList<>();
        ModelSlot slot = new ModelSlot(found, (f, toServe) -> {
            serving.add(toServe);
            return OnnxEncoder.load(f.bundle(), EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(1));
        });
        slot.validate();
        assertThat(serving, contains(false));
        slot.encoder();
        assertThat(serving, contains(false, true));
        slot.close();
    }
}
