package io.onder.rules;

/**
 * One line of the reward ledger: an amount credited to (positive) or funded by (negative) an account.
 *
 * @param entryId deterministic from the cause, the reason and the line's role, so a replay writes the same id
 * @param deviceId the device the line is about, or null (network fees, contributions)
 * @param amount S* base units, signed
 * @param energyMilliWh the energy the amount is for (0 when none)
 */
public record LedgerLine(String entryId, String account, AccountKind accountKind, String deviceId,
                         RewardReason reason, long amount, long energyMilliWh, long intervalStart,
                         long settlementPeriod, String rulebookVersion) {
    public LedgerLine {
        if (entryId == null || account == null || accountKind == null || reason == null || rulebookVersion == null) {
            throw new IllegalArgumentException("ledger line fields are required");
        }
    }
}
