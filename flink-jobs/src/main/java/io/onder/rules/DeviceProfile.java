package io.onder.rules;

/**
 * What the registry knows of a device for demand response.
 *
 * @param maxImportW largest load (charging power for a battery or EV)
 * @param maxExportW largest discharge (battery, V2G); 0 if none
 * @param capacityWh usable storage of a battery or EV; 0 if unknown
 * @param minSocPpm the owner's floor on state of charge (ppm of capacity)
 * @param maxSocPpm the owner's ceiling on state of charge
 * @param costPerKwh what the owner asks per kWh of flexibility (0 if nothing); cheap devices are asked first
 * @param controllable the owner allows the pool to command it
 */
public record DeviceProfile(String deviceId, String ownerAddress, DeviceKind kind, String feederId,
                            long maxImportW, long maxExportW, long capacityWh, long minSocPpm, long maxSocPpm,
                            long costPerKwh, boolean controllable) {
    public DeviceProfile {
        if (maxImportW < 0 || maxExportW < 0 || capacityWh < 0 || costPerKwh < 0) {
            throw new IllegalArgumentException("negative device capability");
        }
        QualityVector.requireShare("minSocPpm", minSocPpm);
        QualityVector.requireShare("maxSocPpm", maxSocPpm);
        if (minSocPpm > maxSocPpm) throw new IllegalArgumentException("minSoc above maxSoc");
    }
}
