package io.onder.rules;

import java.util.Locale;

/** A device's kind as the registry names it (meter, pv, battery, ev_charger, heat_pump, load). */
public enum DeviceKind {
    METER, PV, BATTERY, EV_CHARGER, HEAT_PUMP, LOAD;

    public static DeviceKind parse(String registryName) {
        return valueOf(registryName.trim().toUpperCase(Locale.ROOT));
    }

    public String registryName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
