package io.onder.rules;

/**
 * One device's energy and its quality in one interval: the input of {@link RewardCalculator}.
 * Mapped from the DeviceIntervalEnergy record by the rewards job.
 */
public record DeviceInterval(String deviceId, String ownerAddress, String feederId, long intervalStart,
                             long importMilliWh, long exportMilliWh, EnergySource exportSource,
                             QualityVector importQuality, QualityVector exportQuality) {
    public DeviceInterval {
        if (importMilliWh < 0 || exportMilliWh < 0) throw new IllegalArgumentException("negative energy");
        if (exportSource == null) exportSource = EnergySource.UNKNOWN;
        if (importQuality == null) importQuality = QualityVector.NONE;
        if (exportQuality == null) exportQuality = QualityVector.NONE;
    }

    /** The reward input for one device of a computed feeder interval. */
    public static DeviceInterval of(FeederQuality.DeviceQuality q, String ownerAddress, String feederId,
                                    long intervalStart) {
        return new DeviceInterval(q.deviceId(), ownerAddress, feederId, intervalStart, q.importMilliWh(),
                q.exportMilliWh(), q.exportSource(), q.importQuality(), q.exportQuality());
    }

    /** The clean energy this device produced (storage releases excluded: that energy was counted when produced). */
    public long cleanProducedMilliWh() {
        return exportSource.isStorage() ? 0 : Money.ofPpm(exportMilliWh, exportQuality.cleanPpm());
    }

    public long cleanConsumedMilliWh() {
        return Money.ofPpm(importMilliWh, importQuality.cleanPpm());
    }
}
