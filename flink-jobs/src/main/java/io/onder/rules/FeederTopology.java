package io.onder.rules;

/**
 * A feeder as the topology data describes it (loaded and updated as data, never a constant in code).
 *
 * @param distributorId account of the distributor operating the feeder and its substation; it earns the network fee
 * @param capacityW rated import capacity, W
 * @param reverseFlowLimitW export limit, W
 */
public record FeederTopology(String feederId, String substationId, String regionId, String distributorId,
                             long capacityW, long reverseFlowLimitW) {
    public FeederTopology {
        if (capacityW < 0 || reverseFlowLimitW < 0) throw new IllegalArgumentException("negative feeder limit");
    }
}
