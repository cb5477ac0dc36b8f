package org.scimoe.training.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.scimoe.ScimoeException;

/** The experiments' PNG plots (XChart, headless): curves over steps and grouped bars. */
public final class Charts {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;

    private Charts() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** One curve per series: x → y (e.g. training step → loss). */
    public static void lines(Path png, String title, String xLabel, String yLabel, Map<String, List<double[]>> series) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setMarkerSize(0);
        series.forEach((name, points) -> {
            if (!points.isEmpty()) {
                chart.addSeries(name, points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray());
            }
        });
        save(chart, png);
    }

    /** Grouped bars: one group per category (e.g. domain), one bar per series (e.g. variant). */
    public static void bars(Path png, String title, String yLabel, List<String> categories, Map<String, Map<String, Double>> series,
                            Double yMin) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setOverlapped(false);
        if (yMin != null) {
            chart.getStyler().setYAxisMin(yMin);
        }
        series.forEach((name, values) -> {
            List<Double> ys = new ArrayList<>();
            for (String c : categories) {
                ys.add(values.getOrDefault(c, 0.0));
            }
            chart.addSeries(name, categories, ys);
        });
        save(chart, png);
    }

    private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path png) {
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            BitmapEncoder.saveBitmap(chart, png.toString().replaceFirst("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new ScimoeException("cannot write the plot " + png + ": " + e.getMessage(), e);
        }
    }
}
