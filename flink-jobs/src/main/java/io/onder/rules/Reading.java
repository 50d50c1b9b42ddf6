package io.onder.rules;

/**
 * One reading of a device's cumulative registers, as far as energy is concerned.
 *
 * @param seq the device's sequence number; a repeat is dropped
 * @param timeMillis event time: when the device measured
 * @param importMilliWh cumulative import register, or null when this reading does not carry it
 * @param exportMilliWh cumulative export register, or null when this reading does not carry it
 * @param meterReset the registers restarted from zero at this reading
 */
public record Reading(long seq, long timeMillis, Long importMilliWh, Long exportMilliWh, boolean meterReset) {

    public Reading {
        if (importMilliWh != null && importMilliWh < 0) throw new IllegalArgumentException("negative import register");
        if (exportMilliWh != null && exportMilliWh < 0) throw new IllegalArgumentException("negative export register");
    }

    public static Reading of(long seq, long timeMillis, long importMilliWh, long exportMilliWh) {
        return new Reading(seq, timeMillis, importMilliWh, exportMilliWh, false);
    }
}
