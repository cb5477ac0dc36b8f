package org.scimoe.training.report;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
    @TempDir
    Path tmp;

    @Test
    void writesReadablePngsHeadless() throws Exception {
        Map<String, List<double[]>> curves = new LinkedHashMap<>();
        curves.put("shared", List.of(new double[] {0, 2.0}, new double[] {10, 1.2}, new double[] {20, 0.9}));
        curves.put("domain", List.of(new double[] {0, 2.0}, new double[] {10, 1.0}));
        Path loss = tmp.resolve("loss.png");
        Charts.lines(loss, "training loss", "step", "loss", curves);
        Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
        bars.put("base", Map.of("medicine", 0.89, "All", 0.75));
        bars.put("shared", Map.of("medicine", 0.91, "All", 0.80));
        Path f1 = tmp.resolve("f1.png");
        Charts.bars(f1, "F1max", "F1max", List.of("medicine", "All"), bars, 0.5);
        for (Path png : List.of(loss, f1)) {
            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, png + " is not a readable PNG");
            assertEquals(900, image.getWidth());
            assertEquals(520, image.getHeight());
        }
    }
}
