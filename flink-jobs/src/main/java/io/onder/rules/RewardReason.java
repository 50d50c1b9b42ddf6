package io.onder.rules;

/** Why a ledger line exists; mirrors the Avro enum of the same name. */
public enum RewardReason {
    CLEAN_PRODUCTION, LOCAL_CLEAN_CONSUMPTION, SURPLUS_CONSUMPTION, STORAGE_SHIFT, DR_DELIVERY,
    SUBSIDY_TOPUP, NETWORK_FEE, CREATORS_FUND_FEE, FUNDING
}
