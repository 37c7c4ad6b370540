package sec.cli.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BoxChart;
import org.knowm.xchart.BoxChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import sec.inference.eval.VariantScores;
import sec.inference.metrics.EmotionScores;

/**
 * The evaluation's PNG plots, per language: quality against ρ, caption latency per variant, and the
 * emotion confusion matrix of edge, cloud and ugsd_dynamic.
 */
final class EvalPlots {
    private EvalPlots() {}

    /** Writes the plots into {@code dir} and returns their file names. */
    static List<String> write(Path dir, Map<String, List<VariantScores>> byLang) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> files = new ArrayList<>();
        for (var e : byLang.entrySet()) {
            String lang = e.getKey();
            XYChart q = new XYChartBuilder().width(900).height(560).title("Quality vs ρ (" + lang + ")")
                    .xAxisTitle("ρ = tokens sent / tokens drafted").yAxisTitle("percent").build();
            q.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            q.getStyler().setMarkerSize(9);
            q.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
            List<VariantScores> rows = e.getValue();
            double[] rho = rows.stream().mapToDouble(VariantScores::rho).toArray();
            q.addSeries("BLEU-1", rho, rows.stream().mapToDouble(s -> s.quality().bleu1()).toArray())
                    .setMarker(SeriesMarkers.CIRCLE);
            q.addSeries("ROUGE-L", rho, rows.stream().mapToDouble(s -> s.quality().rougeL()).toArray())
                    .setMarker(SeriesMarkers.DIAMOND);
            for (VariantScores s : rows) { // names beside the BLEU-1 points
                q.addAnnotation(new AnnotationText(s.variant().replace("ugsd_", ""), s.rho() + 0.035, s.quality().bleu1() + 0.6, false));
            }
            String quality = "quality-vs-rho-" + lang + ".png";
            BitmapEncoder.saveBitmap(q, dir.resolve(quality).toString(), BitmapEncoder.BitmapFormat.PNG);
            files.add(quality);

            BoxChart b = new BoxChartBuilder().width(900).height(560).title("Caption latency per variant (" + lang + ")")
                    .yAxisTitle("total ms per caption (emulated clock)").build();
            for (VariantScores s : e.getValue()) {
                b.addSeries(s.variant().replace("ugsd_", ""), s.totalsMs());
            }
            String latency = "latency-" + lang + ".png";
            BitmapEncoder.saveBitmap(b, dir.resolve(latency).toString(), BitmapEncoder.BitmapFormat.PNG);
            files.add(latency);
            for (VariantScores s : rows) {
                if (CONFUSIONS.contains(s.variant()) && s.emotion().captions() > 0) {
                    String name = "confusion-" + s.variant() + "-" + lang + ".png";
                    BitmapEncoder.saveBitmap(confusion(s), dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
                    files.add(name);
                }
            }
        }
        return files;
    }

    /** The variants whose emotion confusion matrix is drawn: the two ends and the method. */
    static final List<String> CONFUSIONS = List.of("edge", "cloud", "ugsd_dynamic");

    /** Rows: the emotion spoken; columns: the emotion the caption names ("none": no emotion word). */
    static HeatMapChart confusion(VariantScores s) {
        EmotionScores e = s.emotion();
        List<String> named = e.columns();
        HeatMapChart c = new HeatMapChartBuilder().width(820).height(640)
                .title("Emotion named by " + s.variant() + " (" + s.lang() + "): " + String.format(java.util.Locale.ROOT,
                        "%.1f %% right", e.accuracy()))
                .xAxisTitle("emotion the caption names").yAxisTitle("emotion spoken").build();
        c.getStyler().setShowValue(true);
        c.getStyler().setMin(0);
        List<Number[]> cells = new ArrayList<>();
        for (int r = 0; r < e.labels().size(); r++) {
            for (int k = 0; k < named.size(); k++) {
                cells.add(new Number[] {k, r, e.confusion()[r][k]});
            }
        }
        c.addSeries("captions", named, e.labels(), cells);
        return c;
    }
}
