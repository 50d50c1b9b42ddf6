package io.onder.simulator.model;

/** The kinds of device the registry knows (names as stored in the registry's {@code kind} column). */
public enum DeviceKind {
  METER("meter"),
  PV("pv"),
  BATTERY("battery"),
  EV_CHARGER("ev_charger"),
  HEAT_PUMP("heat_pump");

  public final String registryName;

  DeviceKind(String registryName) {
    this.registryName = registryName;
  }
}
