package io.onder.rules;

/**
 * One device's energy on its feeder in one interval, the input of {@link FeederQuality}.
 *
 * @param exportSource the source the device reports for its export
 * @param storageCleanPpm for a storage source (battery, V2G): the clean share of its discharge from
 *                        {@link BatteryCleanStock}; ignored otherwise
 */
public record DeviceFlow(String deviceId, long importMilliWh, long exportMilliWh, EnergySource exportSource,
                         long storageCleanPpm) {

    public DeviceFlow {
        if (importMilliWh < 0 || exportMilliWh < 0) throw new IllegalArgumentException("negative energy");
        if (exportSource == null) exportSource = EnergySource.UNKNOWN;
        QualityVector.requireShare("storageCleanPpm", storageCleanPpm);
    }

    public static DeviceFlow of(String deviceId, long importMilliWh, long exportMilliWh, EnergySource source) {
        return new DeviceFlow(deviceId, importMilliWh, exportMilliWh, source, 0);
    }

    /** Clean share of this device's export under the rulebook and the region's grid mix. */
    public long exportCleanPpm(Rulebook.QualityRules rules, long gridCleanPpm) {
        if (exportSource.isStorage()) return storageCleanPpm;
        if (exportSource == EnergySource.GRID) return gridCleanPpm;
        return rules.cleanPpmOf(exportSource);
    }
}
