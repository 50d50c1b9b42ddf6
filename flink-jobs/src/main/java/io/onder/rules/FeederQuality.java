package io.onder.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The quality of every device's energy on one feeder in one interval, and the feeder's state.
 *
 * <p>Rules (domain.md "kWh quality", with the choices it leaves open):
 * <ul>
 *   <li>Local match M = min(total import, total export) of the feeder's devices. Every exporter's local share is
 *       M / export and every consumer's local share M / import: pro rata, nobody's energy is "more local".</li>
 *   <li>The local supply's clean share c_L is the export-weighted clean share of the exporters. An import's clean
 *       share is local × c_L + (1 − local) × the region's grid mix.</li>
 *   <li>Stress uses the average net load (import − export) over the interval: PEAK when net load / capacity reaches
 *       the threshold, SURPLUS when net export / reverse-flow limit does; the level is that ratio (may exceed 1).
 *       A feeder with a zero limit never reports that stress.</li>
 *   <li>Shares are integer ppm, rounded down.</li>
 * </ul>
 */
public final class FeederQuality {

    /** Quality of one device's import and export. */
    public record DeviceQuality(String deviceId, long importMilliWh, long exportMilliWh, EnergySource exportSource,
                                QualityVector importQuality, QualityVector exportQuality) {}

    /**
     * State of one feeder in one interval.
     *
     * @param localMatchPpm share of the feeder's export consumed on the feeder
     * @param cleanSharePpm clean share of the energy consumed on the feeder
     * @param leavingMilliWh export that left the feeder (export − local match)
     * @param enteringMilliWh import that came from outside the feeder (import − local match)
     */
    public record FeederInterval(FeederTopology feeder, long startMillis, long endMillis, long importMilliWh,
                                 long exportMilliWh, long netW, long localMatchPpm, long cleanSharePpm,
                                 long localSupplyCleanPpm, Stress stress, long stressLevelPpm, long leavingMilliWh,
                                 long enteringMilliWh, List<DeviceQuality> devices) {
        public FeederInterval {
            devices = List.copyOf(devices);
        }
    }

    /**
     * What a computed interval left unmatched on its feeder: the export that left it and the import that came from
     * outside, the clean share of the feeder's local supply, and its stress. Kept once the interval is computed, so
     * that a device's energy arriving after that (beyond the allowed lateness) is valued at the margin
     * ({@link #late}): its import as local as far as export was left unmatched, its export as far as import was. The
     * interval's state and the other devices' results, already written and rewarded, do not change; the margin
     * shrinks by what the late energy matched, so two late devices never match the same energy.
     */
    public record Margin(long leavingMilliWh, long enteringMilliWh, long localSupplyCleanPpm, Stress stress, long stressLevelPpm) {
        public Margin {
            if (leavingMilliWh < 0 || enteringMilliWh < 0) throw new IllegalArgumentException("negative energy");
            QualityVector.requireShare("localSupplyCleanPpm", localSupplyCleanPpm);
            if (stress == null) throw new IllegalArgumentException("stress is required");
        }

        public static Margin of(FeederInterval interval) {
            return new Margin(interval.leavingMilliWh(), interval.enteringMilliWh(), interval.localSupplyCleanPpm(), interval.stress(),
                    interval.stressLevelPpm());
        }
    }

    /** A late device's quality and the margin its interval has left after it. */
    public record Late(DeviceQuality quality, Margin margin) {}

    private final Rulebook.QualityRules rules;
    private final Intervals intervals;

    public FeederQuality(Rulebook.QualityRules rules, Intervals intervals) {
        this.rules = rules;
        this.intervals = intervals;
    }

    public FeederInterval compute(FeederTopology feeder, long intervalStart, long gridCleanPpm,
                                  List<DeviceFlow> flows) {
        QualityVector.requireShare("gridCleanPpm", gridCleanPpm);
        long imports = 0, exports = 0, cleanExportWeighted = 0;
        long[] cleanOf = new long[flows.size()];
        for (int i = 0; i < flows.size(); i++) {
            DeviceFlow f = flows.get(i);
            imports = Math.addExact(imports, f.importMilliWh());
            exports = Math.addExact(exports, f.exportMilliWh());
            cleanOf[i] = f.exportCleanPpm(rules, gridCleanPpm);
            cleanExportWeighted = Math.addExact(cleanExportWeighted, Math.multiplyExact(f.exportMilliWh(), cleanOf[i]));
        }
        long match = Math.min(imports, exports);
        long exportLocal = Money.sharePpm(match, exports);
        long importLocal = Money.sharePpm(match, imports);
        long localSupplyClean = exports == 0 ? 0 : cleanExportWeighted / exports;
        long importLocalClean = Money.ofPpm(importLocal, localSupplyClean);
        long importClean = importLocalClean + Money.ofPpm(Money.PPM - importLocal, gridCleanPpm);

        long netW = intervals.wattsOf(imports - exports);
        Stress stress = Stress.NONE;
        long level = 0;
        if (netW > 0 && feeder.capacityW() > 0) {
            long ratio = Money.sharePpm(netW, feeder.capacityW());
            if (ratio >= rules.peakThresholdPpm()) {
                stress = Stress.PEAK;
                level = ratio;
            }
        } else if (netW < 0 && feeder.reverseFlowLimitW() > 0) {
            long ratio = Money.sharePpm(-netW, feeder.reverseFlowLimitW());
            if (ratio >= rules.surplusThresholdPpm()) {
                stress = Stress.SURPLUS;
                level = ratio;
            }
        }

        QualityVector importQuality = new QualityVector(importClean, importLocal, importLocalClean, stress, level);
        List<DeviceQuality> devices = new ArrayList<>(flows.size());
        for (int i = 0; i < flows.size(); i++) {
            DeviceFlow f = flows.get(i);
            QualityVector exportQuality = new QualityVector(cleanOf[i], exportLocal,
                    Money.ofPpm(cleanOf[i], exportLocal), stress, level);
            devices.add(new DeviceQuality(f.deviceId(), f.importMilliWh(), f.exportMilliWh(), f.exportSource(),
                    importQuality, exportQuality));
        }
        devices.sort(Comparator.comparing(DeviceQuality::deviceId));
        return new FeederInterval(feeder, intervalStart, intervalStart + intervals.lengthMillis(), imports, exports,
                netW, exportLocal, importClean, localSupplyClean, stress, level, exports - match, imports - match,
                devices);
    }

    /**
     * The quality of a device's energy that arrived after its feeder interval was computed, at the interval's margin
     * ({@link Margin}): its import is local for the part the interval's unmatched export covers, that local part as
     * clean as the feeder's local supply and the rest at the grid mix; its export is local for the part the unmatched
     * import covers, with its own clean share as {@link #compute} gives it; the stress is the interval's.
     */
    public Late late(Margin margin, DeviceFlow flow, long gridCleanPpm) {
        QualityVector.requireShare("gridCleanPpm", gridCleanPpm);
        long importMatched = Math.min(flow.importMilliWh(), margin.leavingMilliWh());
        long exportMatched = Math.min(flow.exportMilliWh(), margin.enteringMilliWh());
        long importLocal = Money.sharePpm(importMatched, flow.importMilliWh());
        long importLocalClean = Money.ofPpm(importLocal, margin.localSupplyCleanPpm());
        QualityVector importQuality = new QualityVector(importLocalClean + Money.ofPpm(Money.PPM - importLocal, gridCleanPpm), importLocal,
                importLocalClean, margin.stress(), margin.stressLevelPpm());
        long clean = flow.exportCleanPpm(rules, gridCleanPpm);
        long exportLocal = Money.sharePpm(exportMatched, flow.exportMilliWh());
        QualityVector exportQuality = new QualityVector(clean, exportLocal, Money.ofPpm(clean, exportLocal), margin.stress(),
                margin.stressLevelPpm());
        return new Late(new DeviceQuality(flow.deviceId(), flow.importMilliWh(), flow.exportMilliWh(), flow.exportSource(), importQuality,
                exportQuality), new Margin(margin.leavingMilliWh() - importMatched, margin.enteringMilliWh() - exportMatched,
                margin.localSupplyCleanPpm(), margin.stress(), margin.stressLevelPpm()));
    }
}
