package io.surprisal.evaluation;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The backtest's pictures, drawn with XChart: {@code roc.png}, the ROC curve with its area, and
 * {@code log-likelihood.png}, histograms of the test rows' scores (log p(x) or the ensemble's) for normal and anomalous
 * rows (each as shares of its own class, so a rare class stays visible) with the threshold marked.
 */
public final class EvaluationPlots {
  static final String ROC_FILE = "roc.png";
  static final String HISTOGRAM_FILE = "log-likelihood.png";
  private static final int BINS = 80;

  private EvaluationPlots() {}

  /** Writes both pictures into {@code directory}, creating it; returns their paths. */
  public static List<Path> write(Backtest.Result result, Path directory) throws IOException {
    // No display on servers: java.awt must not look for one.
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(directory);
    Path roc = directory.resolve(ROC_FILE);
    Path histogram = directory.resolve(HISTOGRAM_FILE);
    save(rocChart(result), roc);
    save(histogramChart(result), histogram);
    return List.of(roc, histogram);
  }

  private static XYChart rocChart(Backtest.Result result) {
    double[] surprisal = Arrays.stream(result.testScores()).map(v -> -v).toArray();
    DetectionMetrics.RocCurve curve = DetectionMetrics.rocCurve(surprisal, result.anomalous());
    EvaluationReport report = result.report();
    XYChart chart = new XYChartBuilder().width(600).height(600)
        .title(String.format(Locale.ROOT, "ROC, %s on %d test rows: AUC %.3f", report.model(),
            report.testRows(), report.rocAuc()))
        .xAxisTitle("false positive rate").yAxisTitle("true positive rate").build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Line);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0)
        .setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0")
        .setLegendPosition(LegendPosition.InsideSE);
    chart.addSeries("ROC", curve.falsePositiveRate(), curve.truePositiveRate())
        .setMarker(SeriesMarkers.NONE);
    chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1}).setMarker(SeriesMarkers.NONE);
    return chart;
  }

  private static XYChart histogramChart(Backtest.Result result) {
    double[] values = result.testScores();
    double threshold = result.published().calibration().threshold();
    double min = Math.min(threshold, Arrays.stream(values).min().orElseThrow());
    double max = Math.max(threshold, Arrays.stream(values).max().orElseThrow());
    double width = (max - min) / BINS;
    double[] edges = new double[BINS];
    for (int b = 0; b < BINS; b++) edges[b] = min + b * width;
    XYChart chart = new XYChartBuilder().width(800).height(500)
        .title("Test scores, threshold " + String.format(Locale.ROOT, "%.2f", threshold))
        .xAxisTitle(result.report().score().equals("likelihood") ? "log p(x), nats"
            : "ensemble score (sum of two log p-values)")
        .yAxisTitle("share of the class's rows").build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Step);
    double top = 0;
    for (boolean anomalous : new boolean[] {false, true}) {
      double[] shares = shares(values, result.anomalous(), anomalous, min, width);
      top = Math.max(top, Arrays.stream(shares).max().orElse(0));
      XYSeries series = chart.addSeries(anomalous ? "anomalous" : "normal", edges, shares);
      series.setMarker(SeriesMarkers.NONE);
    }
    chart.addSeries("threshold", new double[] {threshold, threshold}, new double[] {0, top})
        .setXYSeriesRenderStyle(XYSeriesRenderStyle.Line).setMarker(SeriesMarkers.NONE);
    return chart;
  }

  private static double[] shares(
      double[] values, boolean[] anomalous, boolean wanted, double min, double width) {
    double[] counts = new double[BINS];
    long total = 0;
    for (int i = 0; i < values.length; i++) {
      if (anomalous[i] != wanted) continue;
      int bin = width == 0 ? 0 : (int) ((values[i] - min) / width);
      counts[Math.min(BINS - 1, Math.max(0, bin))]++;
      total++;
    }
    for (int b = 0; b < BINS; b++) counts[b] = total == 0 ? 0 : counts[b] / total;
    return counts;
  }

  private static void save(Chart<?, ?> chart, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapFormat.PNG);
    }
  }
}
