package org.scimoe.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void reportsDoneOverTotalAndEndsTheLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 10);
        p.accept(4);
        p.accept(6);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("4/10 docs") && out.contains("10/10 docs") && out.contains("ETA 0s"), out);
        assertTrue(out.endsWith(System.lineSeparator()), "a finished bar ends its line");
        assertEquals(10, p.done());
    }

    @Test
    void finishEndsAnUnfinishedLineOnce() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 10);
        p.accept(3); // 7 documents skipped later: the bar never reaches 10
        p.finish();
        p.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("3/10 docs"), out);
        assertEquals(1, out.split(System.lineSeparator(), -1).length - 1, out);
    }
}
