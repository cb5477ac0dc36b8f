package org.scimoe.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime 1.29.0 kills the JVM (SIGSEGV, no message) when the process command line is about
 * 4 KB or longer, as an Elasticsearch node's is (ONNX Runtime issue #32173). This starts a JVM with a
 * 6 KB argument and requires the runtime to come up in it, so an upgrade to an affected version fails here.
 */
class LongCommandLineTest {
    /** Entry point of the child JVM. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            OrtRuntime.environment();
            System.out.println("ort-started");
        }
    }

    @Test
    void onnxRuntimeStartsUnderALongCommandLine() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java,
                "-Dpadding=" + "x".repeat(6000),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), Child.class.getName()));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("ort-started"), output);
    }
}
