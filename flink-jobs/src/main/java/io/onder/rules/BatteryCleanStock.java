package io.onder.rules;

/**
 * What a battery (or an EV with V2G) holds, by origin: how much of its stored energy is clean, and how much is
 * "shiftable" — charged during surplus or from clean supply — which earns the storage-shift reward when released at
 * peak.
 *
 * <p>Charging adds energy × the clean share of what it imported. Discharge carries the stock's shares pro rata,
 * rounding down (the remainder stays in the stock). Discharge beyond the stock (the battery held energy before
 * tracking began) is of unknown origin: neither clean nor shiftable. Within one interval a battery that both
 * imported and exported is taken to have discharged first, then charged, so energy charged in an interval is never
 * credited as released in the same interval. Round-trip losses stay in the stock as residue at its average shares;
 * the job calls {@link #empty()} when the device reports its state of charge at zero.
 */
public final class BatteryCleanStock {

    /** What one discharge carried. */
    public record Discharge(long energyMilliWh, long cleanMilliWh, long shiftableMilliWh) {
        public long cleanPpm() {
            return Money.sharePpm(cleanMilliWh, energyMilliWh);
        }
    }

    private long storedMilliWh;
    private long cleanMilliWh;
    private long shiftableMilliWh;

    public BatteryCleanStock() {}

    /** Restores from stored state. */
    public BatteryCleanStock(long storedMilliWh, long cleanMilliWh, long shiftableMilliWh) {
        if (storedMilliWh < 0 || cleanMilliWh < 0 || shiftableMilliWh < 0
                || cleanMilliWh > storedMilliWh || shiftableMilliWh > storedMilliWh) {
            throw new IllegalArgumentException("inconsistent battery stock");
        }
        this.storedMilliWh = storedMilliWh;
        this.cleanMilliWh = cleanMilliWh;
        this.shiftableMilliWh = shiftableMilliWh;
    }

    public void charge(long energyMilliWh, long cleanPpm, Stress feederStress) {
        if (energyMilliWh < 0) throw new IllegalArgumentException("negative charge");
        QualityVector.requireShare("cleanPpm", cleanPpm);
        long clean = Money.ofPpm(energyMilliWh, cleanPpm);
        storedMilliWh = Math.addExact(storedMilliWh, energyMilliWh);
        cleanMilliWh = Math.addExact(cleanMilliWh, clean);
        shiftableMilliWh = Math.addExact(shiftableMilliWh, feederStress == Stress.SURPLUS ? energyMilliWh : clean);
    }

    public Discharge discharge(long energyMilliWh) {
        if (energyMilliWh < 0) throw new IllegalArgumentException("negative discharge");
        if (energyMilliWh >= storedMilliWh) {
            Discharge all = new Discharge(energyMilliWh, cleanMilliWh, shiftableMilliWh);
            empty();
            return all;
        }
        long clean = Money.mulDiv(energyMilliWh, cleanMilliWh, storedMilliWh);
        long shiftable = Money.mulDiv(energyMilliWh, shiftableMilliWh, storedMilliWh);
        storedMilliWh -= energyMilliWh;
        cleanMilliWh -= clean;
        shiftableMilliWh -= shiftable;
        // Rounding down leaves the remainder in the stock; keep the shares within what is stored.
        cleanMilliWh = Math.min(cleanMilliWh, storedMilliWh);
        shiftableMilliWh = Math.min(shiftableMilliWh, storedMilliWh);
        return new Discharge(energyMilliWh, clean, shiftable);
    }

    /**
     * One interval of a storage device: discharge first (what it exported), then charge (what it imported, at the
     * import's clean share and the feeder's stress).
     */
    public Discharge step(long importMilliWh, long importCleanPpm, Stress feederStress, long exportMilliWh) {
        Discharge d = discharge(exportMilliWh);
        charge(importMilliWh, importCleanPpm, feederStress);
        return d;
    }

    /** The clean share a discharge would carry now. */
    public long cleanPpm() {
        return Money.sharePpm(cleanMilliWh, storedMilliWh);
    }

    public void empty() {
        storedMilliWh = 0;
        cleanMilliWh = 0;
        shiftableMilliWh = 0;
    }

    public long storedMilliWh() {
        return storedMilliWh;
    }

    public long cleanMilliWh() {
        return cleanMilliWh;
    }

    public long shiftableMilliWh() {
        return shiftableMilliWh;
    }
}
