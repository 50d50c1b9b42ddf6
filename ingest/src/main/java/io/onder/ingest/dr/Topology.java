package io.onder.ingest.dr;

/** Which feeders, substations and regions exist. */
public interface Topology {
  enum Level { FEEDER, SUBSTATION, REGION }

  boolean exists(Level level, String id);
}
