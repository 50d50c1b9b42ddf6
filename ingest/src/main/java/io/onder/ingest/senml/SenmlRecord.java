package io.onder.ingest.senml;

/**
 * One SenML record after RFC 8428 base-value resolution: full name, unit, exactly one value and an absolute time.
 *
 * @param index position of the record in the pack (0-based), for diagnostics
 */
public record SenmlRecord(int index, String name, String unit, Double value, String stringValue, Boolean boolValue,
    long timeMillis) {

  public String label() {
    return "record[" + index + "] (" + name + ")";
  }
}
