package org.scimoe.elasticsearch;

import static org.hamcrest.Matchers.equalTo;

import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.test.ESTestCase;

/** Defaults that follow other settings. */
public class ScimoeSettingsTests extends ESTestCase {

    /** Query micro-batches only where a batch is cheaper than its texts one by one: on a GPU. */
    public void testQueryTextsAreEmbeddedAloneUnlessTheNodeAsksForAGpu() {
        assertThat(ScimoeSettings.QUERY_MAX_BATCH.get(Settings.EMPTY), equalTo(1));
        assertThat(ScimoeSettings.QUERY_MAX_BATCH.get(Settings.builder().put("scimoe.device", "cpu").build()), equalTo(1));
        assertThat(ScimoeSettings.QUERY_MAX_BATCH.get(Settings.builder().put("scimoe.device", "cuda").build()), equalTo(32));
        assertThat(ScimoeSettings.QUERY_MAX_BATCH.get(Settings.builder().put("scimoe.device", "cuda:1").build()), equalTo(32));
        assertThat("an explicit value wins",
                ScimoeSettings.QUERY_MAX_BATCH.get(Settings.builder().put("scimoe.device", "cuda").put("scimoe.query.batch.max_size", 4)
                        .build()), equalTo(4));
    }
}
