package org.scimoe.elasticsearch;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;

import java.io.IOException;
import java.util.List;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.NamedWriteableAwareStreamInput;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.search.SearchModule;
import org.elasticsearch.search.vectors.KnnSearchBuilder;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.xcontent.NamedXContentRegistry;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.json.JsonXContent;
import org.scimoe.elasticsearch.search.ScimoeQueryVectorBuilder;

/** The query vector builder as Elasticsearch sees it: registered by the plugin, parsed, written and read back. */
public class ScimoeQueryVectorBuilderTests extends ESTestCase {
    private static SearchModule searchModule;

    private static SearchModule searchModule() {
        if (searchModule == null) {
            Settings settings = Settings.builder()
                    .putList(ScimoeSettings.MODEL_DIRS.getKey(), ScimoeRestTestCase.bundlesDir().toString()).build();
            searchModule = new SearchModule(Settings.EMPTY, List.of(new ScimoePlugin(settings, null)));
        }
        return searchModule;
    }

    @Override
    protected NamedXContentRegistry xContentRegistry() {
        return new NamedXContentRegistry(searchModule().getNamedXContents());
    }

    private KnnSearchBuilder parseKnn(String json) throws IOException {
        try (XContentParser parser = createParser(JsonXContent.jsonXContent, json)) {
            return KnnSearchBuilder.fromXContent(parser).build(10);
        }
    }

    public void testKnnSectionParsesAndRoundTripsThroughXContent() throws IOException {
        KnnSearchBuilder knn = parseKnn("""
                {"field": "embedding", "k": 5, "num_candidates": 50,
                 "query_vector_builder": {"scimoe": {"model": "minilm-l6-v2", "text": "boundary layer", "domain": "aeronautics"}}}""");
        assertThat(knn.getQueryVectorBuilder(), instanceOf(ScimoeQueryVectorBuilder.class));
        assertThat(knn.getQueryVectorBuilder(), equalTo(new ScimoeQueryVectorBuilder("minilm-l6-v2", "boundary layer", "aeronautics")));

        String written = Strings.toString((builder, params) -> knn.toXContent(builder, params), true, true);
        KnnSearchBuilder reparsed = parseKnn(written);
        assertThat(reparsed.getQueryVectorBuilder(), equalTo(knn.getQueryVectorBuilder()));
    }

    public void testOptionalFieldsStayAbsent() throws IOException {
        KnnSearchBuilder knn = parseKnn("""
                {"field": "embedding", "k": 5, "num_candidates": 50, "query_vector_builder": {"scimoe": {"text": "fetal glucose"}}}""");
        ScimoeQueryVectorBuilder builder = (ScimoeQueryVectorBuilder) knn.getQueryVectorBuilder();
        assertNull(builder.model());
        assertNull(builder.domain());
        assertThat(Strings.toString(builder), equalTo("{\"text\":\"fetal glucose\"}"));
    }

    public void testWireRoundTrip() throws IOException {
        NamedWriteableRegistry registry = new NamedWriteableRegistry(searchModule().getNamedWriteables());
        for (ScimoeQueryVectorBuilder original : List.of(new ScimoeQueryVectorBuilder(null, "fetal glucose", null),
                new ScimoeQueryVectorBuilder("minilm-l6-v2-q", randomAlphaOfLength(20), "medicine"))) {
            try (BytesStreamOutput out = new BytesStreamOutput()) {
                out.writeNamedWriteable(original);
                try (var in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), registry)) {
                    assertThat(in.readNamedWriteable(org.elasticsearch.search.vectors.QueryVectorBuilder.class), equalTo(original));
                }
            }
        }
    }

    public void testTextIsRequired() {
        Exception e = expectThrows(Exception.class, () -> parseKnn("""
                {"field": "embedding", "k": 5, "num_candidates": 50, "query_vector_builder": {"scimoe": {"model": "minilm-l6-v2"}}}"""));
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append(" | ");
        }
        assertThat(messages.toString(), containsString("[text]"));
    }
}
