package io.onder.rules;

/**
 * How far a device can move its load now and hold it for an event's duration, from its kind, its registry
 * capabilities and its latest reading.
 *
 * <ul>
 *   <li>EV charger: can stop charging (down = its load); while plugged in (charging, or SoC known below its
 *       ceiling) it can charge up to its maximum (limited by the energy to its ceiling over the duration).</li>
 *   <li>Battery: anywhere between full discharge and full charge, limited by the energy above its SoC floor (down)
 *       or below its ceiling (up) over the duration. Without a SoC it can only stop what it is doing.</li>
 *   <li>Heat pump: can shed the rulebook's share of its present load; never asked to raise it.</li>
 *   <li>Controllable load: can shed the rulebook's share of its present load.</li>
 *   <li>PV: can curtail its export (an increase of net load); meters: nothing.</li>
 *   <li>A device the owner has not made controllable offers nothing.</li>
 * </ul>
 *
 * @param downW how far it can reduce its net load, W
 * @param upW how far it can increase its net load, W
 */
public record Flexibility(String deviceId, long downW, long upW) {

    public static final long MILLIS_PER_HOUR = 3_600_000L;

    public long in(DrDirection direction) {
        return direction == DrDirection.REDUCE ? downW : upW;
    }

    /**
     * @param powerW latest average power, positive importing
     * @param socPpm latest state of charge in ppm, or null when unknown
     * @param durationMillis how long the event asks the change to be held
     */
    public static Flexibility of(DeviceProfile d, long powerW, Long socPpm, long durationMillis,
                                 Rulebook.DrRules rules) {
        if (durationMillis <= 0) throw new IllegalArgumentException("event duration must be positive");
        String id = d.deviceId();
        if (!d.controllable()) return new Flexibility(id, 0, 0);
        long load = Math.max(0, powerW);
        switch (d.kind()) {
            case EV_CHARGER: {
                boolean plugged = load > 0 || (socPpm != null && socPpm < d.maxSocPpm());
                long up = plugged ? Math.max(0, Math.min(d.maxImportW(), sustainableChargeW(d, socPpm, durationMillis)) - load) : 0;
                return new Flexibility(id, load, up);
            }
            case BATTERY: {
                if (socPpm == null) return new Flexibility(id, Math.max(0, powerW), Math.max(0, -powerW));
                long lowest = -Math.min(d.maxExportW(), whOverDuration(energyAboveWh(d, socPpm), durationMillis));
                long highest = Math.min(d.maxImportW(), sustainableChargeW(d, socPpm, durationMillis));
                return new Flexibility(id, Math.max(0, powerW - lowest), Math.max(0, highest - powerW));
            }
            case HEAT_PUMP:
                return new Flexibility(id, Money.ofPpm(load, rules.heatPumpShedPpm()), 0);
            case LOAD:
                return new Flexibility(id, Money.ofPpm(load, rules.loadShedPpm()), 0);
            case PV:
                return new Flexibility(id, 0, Math.max(0, -powerW));
            default:
                return new Flexibility(id, 0, 0);
        }
    }

    private static long sustainableChargeW(DeviceProfile d, Long socPpm, long durationMillis) {
        if (socPpm == null || d.capacityWh() == 0) return d.maxImportW();
        long headroomWh = Money.ofPpm(d.capacityWh(), Math.max(0, d.maxSocPpm() - Math.min(socPpm, Money.PPM)));
        return whOverDuration(headroomWh, durationMillis);
    }

    private static long energyAboveWh(DeviceProfile d, long socPpm) {
        return Money.ofPpm(d.capacityWh(), Math.max(0, Math.min(socPpm, Money.PPM) - d.minSocPpm()));
    }

    /** The steady power that uses an energy up over the duration: Wh × 3 600 000 / ms, rounded down. */
    private static long whOverDuration(long wh, long durationMillis) {
        return Money.mulDiv(wh, MILLIS_PER_HOUR, durationMillis);
    }
}
