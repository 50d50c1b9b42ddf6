package io.onder.flink.quality;

import io.onder.rules.IntervalEnergy;
import io.onder.rules.RegisterTimeline;
import java.util.ArrayList;
import java.util.List;

/**
 * A device's register timelines as Flink keyed state: primitive arrays, so Flink's POJO serializer handles them
 * (no Kryo) and a savepoint stays readable across upgrades.
 */
public class TimelineState {
  public long[] importTime = new long[0];
  public long[] importSeq = new long[0];
  public long[] importRaw = new long[0];
  public boolean[] importReset = new boolean[0];
  public long[] importContinued = new long[0];
  public boolean importPruned;
  public long[] exportTime = new long[0];
  public long[] exportSeq = new long[0];
  public long[] exportRaw = new long[0];
  public boolean[] exportReset = new boolean[0];
  public long[] exportContinued = new long[0];
  public boolean exportPruned;
  /** Start of the next interval this device will emit; Long.MIN_VALUE before the first. */
  public long nextInterval = Long.MIN_VALUE;
  /** Whether an interval was emitted: until then an earlier reading may still move the first interval back. */
  public boolean emittedAny;
  /** When the device's one idle timer fires; Long.MIN_VALUE while none is set. */
  public long idleTimer = Long.MIN_VALUE;
  public String lastSource = "UNKNOWN";
  public double lastSoc = Double.NaN;

  public TimelineState() {}

  public IntervalEnergy toEnergy() {
    return new IntervalEnergy(timeline(importTime, importSeq, importRaw, importReset, importContinued, importPruned),
        timeline(exportTime, exportSeq, exportRaw, exportReset, exportContinued, exportPruned));
  }

  public void store(IntervalEnergy e) {
    List<RegisterTimeline.Point> in = e.imports().points();
    importTime = new long[in.size()];
    importSeq = new long[in.size()];
    importRaw = new long[in.size()];
    importReset = new boolean[in.size()];
    importContinued = new long[in.size()];
    for (int i = 0; i < in.size(); i++) {
      var p = in.get(i);
      importTime[i] = p.timeMillis();
      importSeq[i] = p.seq();
      importRaw[i] = p.raw();
      importReset[i] = p.reset();
      importContinued[i] = p.continued();
    }
    importPruned = e.imports().pruned();
    List<RegisterTimeline.Point> out = e.exports().points();
    exportTime = new long[out.size()];
    exportSeq = new long[out.size()];
    exportRaw = new long[out.size()];
    exportReset = new boolean[out.size()];
    exportContinued = new long[out.size()];
    for (int i = 0; i < out.size(); i++) {
      var p = out.get(i);
      exportTime[i] = p.timeMillis();
      exportSeq[i] = p.seq();
      exportRaw[i] = p.raw();
      exportReset[i] = p.reset();
      exportContinued[i] = p.continued();
    }
    exportPruned = e.exports().pruned();
  }

  private static RegisterTimeline timeline(long[] t, long[] s, long[] r, boolean[] reset, long[] c, boolean pruned) {
    List<RegisterTimeline.Point> pts = new ArrayList<>(t.length);
    for (int i = 0; i < t.length; i++) pts.add(new RegisterTimeline.Point(t[i], s[i], r[i], reset[i], c[i]));
    return RegisterTimeline.restore(pts, pruned);
  }
}
