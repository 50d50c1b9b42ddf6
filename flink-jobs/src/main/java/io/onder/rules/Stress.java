package io.onder.rules;

/** A feeder's state in one interval; mirrors the Avro StressKind. */
public enum Stress {
    /** Neither near capacity nor near the reverse-flow limit. */
    NONE,
    /** Net load against import capacity at or above the peak threshold: export helps, consumption hurts. */
    PEAK,
    /** Net export against the reverse-flow limit at or above the surplus threshold: consumption helps. */
    SURPLUS
}
