package org.scimoe.embed;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.scimoe.lucene.AbstractDoc;

class DocumentTextTest {
    @Test
    void titleAndTextAreStrippedAndJoinedByOneSpace() {
        assertEquals("Lens proteins Analysis of the lens.", DocumentText.of("  Lens proteins\n", "\tAnalysis of the lens. "));
        assertEquals("Analysis of the lens.", DocumentText.of(null, "Analysis of the lens."));
        assertEquals("Analysis of the lens.", DocumentText.of("   ", "Analysis of the lens."));
        assertEquals("Lens proteins", DocumentText.of("Lens proteins", null));
    }

    @Test
    void missingAndEmptyStayDistinguishableForTheEncodersCheck() {
        assertNull(DocumentText.of(null, null));
        assertEquals("", DocumentText.of(" ", "\n"));
        assertEquals("a b c", DocumentText.join(Arrays.asList("a", null, " ", "b", "c ")));
    }

    @Test
    void abstractDocUsesTheSameDefinition() {
        assertEquals(DocumentText.of(" T ", " body "), new AbstractDoc("1", " T ", " body ", null).embeddingText());
    }
}
