package io.sidecarset.e2e.support;

import java.util.List;
import java.util.Locale;

/**
 * Draws a load run over time as an SVG picture: throughput (with the offered rate), dropped
 * requests and p99 latency, one panel each, per second, with the upgrade windows shaded across all
 * panels. Pure: the caller writes the string where it likes.
 */
public final class TimelineSvg {

  /** One second of the run. */
  public record Second(long second, long ok, long dropped, double p99Millis) {}

  /** A shaded span, e.g. one upgrade, in seconds since the start of the run. */
  public record Window(String label, double fromSecond, double toSecond) {}

  private static final int WIDTH = 1000;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 62;
  private static final int PANEL = 150;
  private static final int GAP = 40;
  private static final int BOTTOM = 40;

  private TimelineSvg() {}

  /**
   * @param title one or more lines (separated by {@code \n}); the first is the heading
   * @param seconds the run's seconds, in order
   * @param windows spans to shade, e.g. the upgrades
   * @param offeredPerSecond drawn as a dashed line on the throughput panel
   */
  public static String render(
      String title, List<Second> seconds, List<Window> windows, double offeredPerSecond) {
    int height = TOP + 3 * PANEL + 2 * GAP + BOTTOM;
    double span = Math.max(1, seconds.isEmpty() ? 1 : seconds.get(seconds.size() - 1).second() + 1);
    double plotWidth = WIDTH - LEFT - RIGHT;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH,
            height,
            WIDTH,
            height));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    String[] titleLines = title.split("\n");
    for (int i = 0; i < titleLines.length; i++) {
      svg.append(
          text(
              LEFT,
              20 + 17 * i,
              escape(titleLines[i]),
              i == 0 ? "font-size=\"15\" font-weight=\"bold\"" : "font-size=\"12\" fill=\"#333\""));
    }

    int panelsBottom = TOP + 3 * PANEL + 2 * GAP;
    for (Window window : windows) {
      double x1 = LEFT + window.fromSecond() / span * plotWidth;
      double x2 = LEFT + window.toSecond() / span * plotWidth;
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"upgrade\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f5c842\""
                  + " fill-opacity=\"0.25\"/>%n",
              x1,
              TOP,
              Math.max(1, x2 - x1),
              panelsBottom - TOP));
      svg.append(
          text(x1 + 2, TOP - 6, escape(window.label()), "font-size=\"10\" fill=\"#8a6d00\""));
    }

    double maxRate =
        Math.max(offeredPerSecond, seconds.stream().mapToDouble(Second::ok).max().orElse(1));
    panel(svg, 0, "requests/s ok", maxRate * 1.1, span, plotWidth);
    polyline(
        svg, seconds, s -> (double) s.ok(), 0, maxRate * 1.1, span, plotWidth, "#2a9d3a", "ok");
    double offeredY = y(0, offeredPerSecond, maxRate * 1.1);
    svg.append(
        String.format(
            Locale.ROOT,
            "<line class=\"offered\" x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\""
                + " stroke-dasharray=\"4 3\"/>%n",
            LEFT,
            offeredY,
            LEFT + plotWidth,
            offeredY));
    svg.append(
        text(
            LEFT + plotWidth - 110,
            offeredY - 4,
            String.format(Locale.ROOT, "offered %.0f/s", offeredPerSecond),
            "fill=\"#555\""));

    long maxDropped = seconds.stream().mapToLong(Second::dropped).max().orElse(0);
    double droppedScale = Math.max(1, maxDropped) * 1.1;
    panel(svg, 1, "dropped/s", droppedScale, span, plotWidth);
    double barWidth = Math.max(1, plotWidth / span - 1);
    for (Second s : seconds) {
      if (s.dropped() > 0) {
        double top = y(1, s.dropped(), droppedScale);
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect class=\"dropped\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#d62828\"/>%n",
                LEFT + s.second() / span * plotWidth,
                top,
                barWidth,
                y(1, 0, droppedScale) - top));
      }
    }
    long totalDropped = seconds.stream().mapToLong(Second::dropped).sum();
    svg.append(
        text(
            LEFT + 8,
            panelTop(1) + 18,
            totalDropped == 0 ? "0 dropped" : totalDropped + " dropped",
            totalDropped == 0
                ? "fill=\"#2a9d3a\" font-weight=\"bold\""
                : "fill=\"#d62828\" font-weight=\"bold\""));

    double maxP99 =
        Math.max(1, seconds.stream().mapToDouble(Second::p99Millis).max().orElse(1)) * 1.1;
    panel(svg, 2, "p99 latency ms", maxP99, span, plotWidth);
    polyline(svg, seconds, Second::p99Millis, 2, maxP99, span, plotWidth, "#1d4ed8", "p99");

    for (int tick = 0; tick <= 10; tick++) {
      double second = span * tick / 10;
      double x = LEFT + second / span * plotWidth;
      svg.append(
          text(
              x - 8,
              panelsBottom + 16,
              String.format(Locale.ROOT, "%.0fs", second),
              "fill=\"#333\""));
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static void panel(
      StringBuilder svg, int index, String label, double max, double span, double plotWidth) {
    int top = panelTop(index);
    svg.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"none\" stroke=\"#bbb\"/>%n",
            LEFT,
            top,
            plotWidth,
            PANEL));
    svg.append(text(6, top + 12, escape(label), "fill=\"#333\""));
    svg.append(
        text(
            6,
            top + 28,
            String.format(Locale.ROOT, "max %.1f", max / 1.1),
            "fill=\"#777\" font-size=\"10\""));
  }

  private static void polyline(
      StringBuilder svg,
      List<Second> seconds,
      java.util.function.ToDoubleFunction<Second> value,
      int panel,
      double max,
      double span,
      double plotWidth,
      String color,
      String cssClass) {
    if (seconds.isEmpty()) {
      return;
    }
    StringBuilder points = new StringBuilder();
    for (Second s : seconds) {
      points.append(
          String.format(
              Locale.ROOT,
              "%.1f,%.1f ",
              LEFT + (s.second() + 0.5) / span * plotWidth,
              y(panel, value.applyAsDouble(s), max)));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<polyline class=\"%s\" points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>%n",
            cssClass,
            points.toString().trim(),
            color));
  }

  private static int panelTop(int index) {
    return TOP + index * (PANEL + GAP);
  }

  private static double y(int panel, double value, double max) {
    double clamped = Math.max(0, Math.min(value, max));
    return panelTop(panel) + PANEL - clamped / max * PANEL;
  }

  private static String text(double x, double y, String content, String attributes) {
    return String.format(
        Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" %s>%s</text>%n", x, y, attributes, content);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
