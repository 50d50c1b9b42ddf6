package io.onder.cli.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The demo's report a person would rather look at than read: one HTML file with inline SVG charts (no script, no
 * download): each feeder's net load against its capacity and reverse-flow limit through the day, the DR event's
 * target against verified delivery, and rewards by reason.
 */
final class Report {
  private Report() {}

  static Path write(Path file, String runId, LocalDate day, DemoFigures f) throws IOException {
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Onder demo ").append(runId).append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222}h1{font-size:22px}h2{font-size:17px;margin-top:28px}")
        .append(".grid{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #ddd;border-radius:6px;padding:8px}")
        .append("table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}td:first-child,th:first-child{text-align:left}")
        .append(".legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:12px;height:3px;vertical-align:middle;margin-right:4px}")
        .append("</style></head><body>");
    h.append("<h1>Onder flexibility pool — simulated day ").append(day).append("</h1>");
    h.append("<p>Run <code>").append(runId).append("</code>. Every figure below was read back from Kafka, Cassandra and the chain.</p>");

    h.append("<h2>Energy and its quality</h2><table><tr><th>figure</th><th>value</th></tr>");
    row(h, "readings in Kafka", String.format("%,d", f.readingsInKafka));
    row(h, "energy consumed (imported)", DemoFigures.kwh(f.importMilliWh));
    row(h, "energy exported", DemoFigures.kwh(f.exportMilliWh));
    row(h, "local (export consumed on its own feeder)", DemoFigures.kwh(f.localMilliWh));
    row(h, "clean share of consumption", DemoFigures.kwh(f.cleanConsumedMilliWh));
    row(h, "consumed at feeder peak stress", DemoFigures.kwh(f.peakStressMilliWh) + " in " + f.peakIntervals + " feeder-intervals");
    row(h, "exported at surplus stress", DemoFigures.kwh(f.surplusStressMilliWh) + " in " + f.surplusIntervals + " feeder-intervals");
    h.append("</table>");

    h.append("<h2>Feeders: net load against capacity through the day</h2>")
        .append("<p class=\"legend\"><span><i class=\"sw\" style=\"background:#1f77b4\"></i>net load (kW, + import)</span>")
        .append("<span><i class=\"sw\" style=\"background:#d62728\"></i>capacity</span><span><i class=\"sw\" style=\"background:#2ca02c\"></i>reverse-flow limit</span>")
        .append("<span><i class=\"sw\" style=\"background:#ffbb78;height:10px\"></i>peak stress</span><span><i class=\"sw\" style=\"background:#98df8a;height:10px\"></i>surplus stress</span></p><div class=\"grid\">");
    for (Map.Entry<String, List<DemoFigures.FeederPoint>> e : f.feeders.entrySet()) {
      h.append("<div class=\"card\"><b>").append(e.getKey()).append("</b><br>").append(feederChart(e.getValue())).append("</div>");
    }
    h.append("</div>");

    if (!f.dr.isEmpty()) {
      h.append("<h2>Demand response: target against verified delivery</h2>").append(drChart(f.dr));
    }

    h.append("<h2>Rewards by reason (S*)</h2>").append(rewardChart(f.ledger.byReason));
    h.append("<h2>Settlement on chain</h2><table><tr><th>figure</th><th>value</th></tr>");
    row(h, "settlement batches", Integer.toString(f.batches));
    row(h, "transactions", Integer.toString(f.settlementTxs));
    row(h, "gas used", String.format("%,d", f.gasUsed));
    row(h, "paid on chain", DemoFigures.sstar(f.paidOnChain));
    h.append("</table></body></html>");
    Files.writeString(file, h.toString());
    return file;
  }

  private static void row(StringBuilder h, String k, String v) {
    h.append("<tr><td>").append(k).append("</td><td>").append(v).append("</td></tr>");
  }

  static String feederChart(List<DemoFigures.FeederPoint> pts) {
    int w = 420, hgt = 180, pad = 34;
    if (pts.isEmpty()) return "<i>no intervals</i>";
    long t0 = pts.get(0).start(), t1 = pts.get(pts.size() - 1).start();
    double max = pts.get(0).capacityW(), min = -pts.get(0).reverseW();
    for (var p : pts) {
      max = Math.max(max, Math.max(p.netW(), p.capacityW()));
      min = Math.min(min, Math.min(p.netW(), -p.reverseW()));
    }
    max *= 1.1;
    min *= 1.1;
    StringBuilder s = new StringBuilder("<svg width=\"" + w + "\" height=\"" + hgt + "\" xmlns=\"http://www.w3.org/2000/svg\">");
    double span = Math.max(1, t1 - t0);
    double dmin = min, dmax = max;
    java.util.function.DoubleUnaryOperator y = v -> pad / 2.0 + (dmax - v) / (dmax - dmin) * (hgt - pad);
    java.util.function.LongFunction<Double> x = t -> pad + (t - t0) / span * (w - pad - 6);
    double barW = Math.max(1, (w - pad) / (double) pts.size());
    for (var p : pts) {
      if ("PEAK".equals(p.stress()) || "SURPLUS".equals(p.stress())) {
        s.append(String.format("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", x.apply(p.start()), pad / 2, barW,
            hgt - pad, "PEAK".equals(p.stress()) ? "#ffbb78" : "#98df8a"));
      }
    }
    s.append(String.format("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-width=\"0.5\"/>", pad, w - 6, y.applyAsDouble(0), y.applyAsDouble(0)));
    s.append(String.format("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/>", pad, w - 6,
        y.applyAsDouble(pts.get(0).capacityW()), y.applyAsDouble(pts.get(0).capacityW())));
    s.append(String.format("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#2ca02c\" stroke-dasharray=\"4 3\"/>", pad, w - 6,
        y.applyAsDouble(-pts.get(0).reverseW()), y.applyAsDouble(-pts.get(0).reverseW())));
    StringBuilder path = new StringBuilder();
    for (var p : pts) path.append(path.length() == 0 ? "M" : "L").append(String.format("%.1f,%.1f", x.apply(p.start()), y.applyAsDouble(p.netW())));
    s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.2\"/>");
    s.append(String.format("<text x=\"2\" y=\"%.1f\" font-size=\"10\">%.0f kW</text>", y.applyAsDouble(dmax / 1.1) + 4, dmax / 1.1 / 1000));
    s.append(String.format("<text x=\"2\" y=\"%.1f\" font-size=\"10\">%.0f kW</text>", y.applyAsDouble(dmin / 1.1), dmin / 1.1 / 1000));
    for (int hr = 0; hr <= 24; hr += 6) {
      double xx = pad + hr * 3_600_000.0 / span * (w - pad - 6);
      if (xx <= w) s.append(String.format("<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%02d:00</text>", xx - 12, hgt - 2, hr));
    }
    return s.append("</svg>").toString();
  }

  static String drChart(List<DemoFigures.DrPoint> pts) {
    int w = 640, hgt = 200, pad = 40;
    long max = 1;
    for (var p : pts) max = Math.max(max, Math.max(p.targetMilliWh(), p.deliveredMilliWh()));
    double bw = (w - pad) / (double) pts.size();
    StringBuilder s = new StringBuilder("<svg width=\"" + w + "\" height=\"" + hgt + "\" xmlns=\"http://www.w3.org/2000/svg\">");
    for (int i = 0; i < pts.size(); i++) {
      var p = pts.get(i);
      double hD = (hgt - pad) * p.deliveredMilliWh() / (double) max;
      double hT = (hgt - pad) * p.targetMilliWh() / (double) max;
      s.append(String.format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#2ca02c\"/>", pad + i * bw, hgt - pad / 2.0 - hD, bw * 0.8, hD));
      s.append(String.format("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#d62728\" stroke-width=\"2\"/>", pad + i * bw, pad + (i + 0.8) * bw,
          hgt - pad / 2.0 - hT, hgt - pad / 2.0 - hT));
    }
    s.append(String.format("<text x=\"2\" y=\"14\" font-size=\"10\">%.1f kWh</text>", max / 1e6));
    s.append("<text x=\"" + pad + "\" y=\"" + (hgt - 4) + "\" font-size=\"10\">green: verified delivery per interval; red: target</text>");
    return s.append("</svg>").toString();
  }

  static String rewardChart(Map<String, Long> byReason) {
    int w = 640, rowH = 22, pad = 190;
    long max = 1;
    for (long v : byReason.values()) max = Math.max(max, Math.abs(v));
    StringBuilder s = new StringBuilder("<svg width=\"" + w + "\" height=\"" + (rowH * byReason.size() + 10) + "\" xmlns=\"http://www.w3.org/2000/svg\">");
    int i = 0;
    for (Map.Entry<String, Long> e : byReason.entrySet()) {
      double len = (w - pad - 120) * Math.abs(e.getValue()) / (double) max;
      int yy = 5 + i * rowH;
      s.append(String.format("<text x=\"0\" y=\"%d\" font-size=\"12\">%s</text>", yy + 14, e.getKey()));
      s.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", pad, yy + 3, len, rowH - 6,
          e.getValue() < 0 ? "#aaa" : "#1f77b4"));
      s.append(String.format("<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s</text>", pad + len + 6, yy + 14, DemoFigures.sstar(e.getValue())));
      i++;
    }
    return s.append("</svg>").toString();
  }
}
