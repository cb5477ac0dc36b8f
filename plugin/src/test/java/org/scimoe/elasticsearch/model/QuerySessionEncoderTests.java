package org.scimoe.elasticsearch.model;

import java.util.List;
import org.elasticsearch.test.ESTestCase;
import org.scimoe.elasticsearch.ScimoeTestBundles;
import org.scimoe.embed.EmbedInput;
import org.scimoe.embed.Embedding;
import org.scimoe.embed.EncoderOptions;
import org.scimoe.embed.Role;
import org.scimoe.embed.TextEmbedder;
import org.scimoe.runtime.DeviceRequest;

/**
 * The registry's two sessions per bundle, with the real MiniLM: query texts on the single-core query session give the
 * vectors of the one-session registry (same graph, same arithmetic), documents too, the counters add up, and closing
 * the model closes both sessions.
 */
public class QuerySessionEncoderTests extends ESTestCase {
    private static final EncoderOptions CPU = EncoderOptions.DEFAULTS.withDevice(DeviceRequest.CPU).withThreads(2);

    public void testQueryTextsOnTheirOwnSessionGiveTheSameVectors() {
        List<EmbedInput> texts = List.of(EmbedInput.of("boundary layer transition on a swept wing"),
                EmbedInput.of("serum cholesterol in middle-aged men and the risk of heart disease"));
        try (ModelRegistry one = new ModelRegistry(List.of(ScimoeTestBundles.dir()), CPU);
             ModelRegistry two = new ModelRegistry(List.of(ScimoeTestBundles.dir()), CPU, 1)) {
            TextEmbedder single = one.encoder("minilm-l6-v2");
            TextEmbedder split = two.encoder("minilm-l6-v2");
            for (Role role : Role.values()) {
                List<Embedding> a = single.embed(texts, role);
                List<Embedding> b = split.embed(texts, role);
                for (int i = 0; i < texts.size(); i++) {
                    assertArrayEquals(role + " text " + i, a.get(i).vector(), b.get(i).vector(), 1e-5f);
                }
            }
            assertEquals(4, split.stats().texts());
        }
    }

    public void testEachRoleGoesToItsSessionAndCloseClosesBoth() {
        org.scimoe.bundle.BundleCatalog catalog = org.scimoe.bundle.BundleCatalog.scan(List.of(ScimoeTestBundles.dir()));
        org.scimoe.embed.OnnxEncoder fp32 = org.scimoe.embed.OnnxEncoder.load(catalog.get("minilm-l6-v2"), CPU);
        org.scimoe.embed.OnnxEncoder int8 = org.scimoe.embed.OnnxEncoder.load(catalog.get("minilm-l6-v2-q"), CPU.withThreads(1));
        List<EmbedInput> text = List.of(EmbedInput.of("lift and drag of a swept wing"));
        float[] docExpected = fp32.embed(text, Role.DOCUMENT).get(0).vector();
        float[] queryExpected = int8.embed(text, Role.QUERY).get(0).vector();
        QuerySessionEncoder split = new QuerySessionEncoder(fp32, int8);
        assertArrayEquals(docExpected, split.embed(text, Role.DOCUMENT).get(0).vector(), 0f);
        assertArrayEquals(queryExpected, split.embed(text, Role.QUERY).get(0).vector(), 0f);
        split.close();
        expectThrows(RuntimeException.class, () -> fp32.embed(text, Role.DOCUMENT));
        expectThrows(RuntimeException.class, () -> int8.embed(text, Role.QUERY));
    }
}
