package io.onder.rules;

/** Source of exported energy as a device reports it; mirrors the Avro enum of the same name. */
public enum EnergySource {
    UNKNOWN, PV, WIND, HYDRO, BATTERY, V2G, CHP, DIESEL, GRID;

    /** Storage releases energy it took in earlier: its cleanliness comes from its stock, not from the source. */
    public boolean isStorage() {
        return this == BATTERY || this == V2G;
    }
}
