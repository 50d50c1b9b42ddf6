package io.onder.rules;

/**
 * The quality of one device's energy in one interval, in integer parts per million.
 *
 * @param cleanPpm clean share of the energy, [0, 10⁶]
 * @param localPpm share consumed (for export) or supplied (for import) on the same feeder in the same interval
 * @param localCleanPpm share that is both local and clean; for export it equals min(clean, local) weighted as
 *                      clean × local, for import it is local × the clean share of the feeder's local supply
 * @param stress the feeder's state
 * @param stressLevelPpm load against capacity (PEAK) or export against reverse-flow limit (SURPLUS); 0 when NONE
 */
public record QualityVector(long cleanPpm, long localPpm, long localCleanPpm, Stress stress, long stressLevelPpm) {

    public static final QualityVector NONE = new QualityVector(0, 0, 0, Stress.NONE, 0);

    public QualityVector {
        requireShare("cleanPpm", cleanPpm);
        requireShare("localPpm", localPpm);
        requireShare("localCleanPpm", localCleanPpm);
        if (localCleanPpm > Math.min(cleanPpm, localPpm)) {
            throw new IllegalArgumentException("localCleanPpm " + localCleanPpm + " above clean or local share");
        }
        if (stress == null) throw new IllegalArgumentException("stress is required");
        if (stressLevelPpm < 0) throw new IllegalArgumentException("stressLevelPpm negative: " + stressLevelPpm);
        if (stress == Stress.NONE && stressLevelPpm != 0) {
            throw new IllegalArgumentException("stressLevelPpm must be 0 when stress is NONE");
        }
    }

    /**
     * Recovers the local-clean share of an import from the published vector (clean and local) and the region's
     * grid mix, for consumers of the Avro record that does not carry it: clean = local·c_L + (1−local)·c_G, so
     * local·c_L = clean − (1−local)·c_G.
     */
    public static long importLocalCleanPpm(long cleanPpm, long localPpm, long gridCleanPpm) {
        long fromGrid = Money.ofPpm(Money.PPM - localPpm, gridCleanPpm);
        return Math.max(0, Math.min(localPpm, cleanPpm - fromGrid));
    }

    public double clean() {
        return cleanPpm / (double) Money.PPM;
    }

    public double local() {
        return localPpm / (double) Money.PPM;
    }

    public double stressLevel() {
        return stressLevelPpm / (double) Money.PPM;
    }

    static void requireShare(String name, long ppm) {
        if (ppm < 0 || ppm > Money.PPM) throw new IllegalArgumentException(name + " outside [0, 10^6]: " + ppm);
    }
}
