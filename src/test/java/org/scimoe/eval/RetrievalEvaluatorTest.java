package org.scimoe.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.scimoe.TestBundles;
import org.scimoe.lucene.SearchMode;

class RetrievalEvaluatorTest {
    @Test
    void evaluatesEveryModeOnARealSlice() {
        BeirCollection slice = BeirCollection.load(TestBundles.resource("beir-medline-slice"));
        assertEquals(177, slice.corpus().size());
        assertEquals(6, slice.queries().size());
        Map<SearchMode, ModeScores> scores = new RetrievalEvaluator(TestBundles.int8(), null)
                .evaluate(slice, EnumSet.allOf(SearchMode.class), null);
        for (SearchMode mode : SearchMode.values()) {
            ModeScores s = scores.get(mode);
            assertEquals(6, s.queries(), mode.label());
            // 177 documents hold all judged ones and fewer than 100 per query are relevant: recall@100 is high but
            // not free; a broken ranking (random order) scores nDCG@10 near 0.2 on this slice.
            assertTrue(s.ndcgAt10() > 0.4 && s.ndcgAt10() <= 1.0, mode + " ndcg " + s.ndcgAt10());
            assertTrue(s.recallAt100() > 0.7 && s.recallAt100() <= 1.0, mode + " recall " + s.recallAt100());
            assertTrue(s.mrrAt10() > 0.5, mode + " mrr " + s.mrrAt10());
        }
    }
}
