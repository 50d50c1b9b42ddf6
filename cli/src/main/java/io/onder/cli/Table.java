package io.onder.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain text table for terminal summaries. */
public final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final String[] header;

  public Table(String... header) {
    this.header = header;
  }

  public Table row(Object... cells) {
    String[] r = new String[header.length];
    for (int i = 0; i < r.length; i++) r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
    rows.add(r);
    return this;
  }

  public String render() {
    int[] w = new int[header.length];
    for (int i = 0; i < w.length; i++) w[i] = header[i].length();
    for (String[] r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r[i].length());
    StringBuilder sb = new StringBuilder();
    line(sb, header, w);
    StringBuilder sep = new StringBuilder();
    for (int i = 0; i < w.length; i++) sep.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
    sb.append(sep).append('\n');
    for (String[] r : rows) line(sb, r, w);
    return sb.toString();
  }

  private static void line(StringBuilder sb, String[] cells, int[] w) {
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) sb.append("  ");
      sb.append(i == cells.length - 1 ? cells[i] : String.format("%-" + w[i] + "s", cells[i]));
    }
    sb.append('\n');
  }

  static String mib(long bytes) {
    return bytes == 0 ? "-" : (bytes / (1024 * 1024)) + " MiB";
  }
}
