package io.onder.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns energy, quality, DR delivery and network crossings into ledger lines under one rulebook.
 *
 * <p>Every reward is one cause paid by one funder: a FUNDING line (−gross) on the funder, the payee's line
 * (gross − creators fee) and the CREATORS_FUND_FEE line (the fee, basis points of gross, rounded down so the payee
 * keeps the remainder). The lines of a cause sum to zero, so the ledger conserves exactly whatever the rates.
 * Energy rewards and network fees are funded by the market account; DR by the utility that posted the event; top-ups
 * by the subsidy pool.
 *
 * <p>Rules (domain.md "Rewards", with the choices it leaves open):
 * <ul>
 *   <li>Clean production = export × clean × rate × weight, weight = (1 − local) × w_nonlocal + local × (1 + local
 *       bonus) + (peak bonus at PEAK), w_nonlocal = 1 except at SURPLUS where it is the rulebook's surplus weight.
 *       Storage releases earn storage shift instead (their energy was rewarded when produced).</li>
 *   <li>Local clean consumption = import × (local × clean of the local supply) × rate, nothing at PEAK.</li>
 *   <li>Surplus consumption = import × rate when the feeder is in SURPLUS (charging included).</li>
 *   <li>Storage shift = shiftable energy released (charged at surplus or from clean, see {@link BatteryCleanStock})
 *       × rate, only when released at PEAK.</li>
 *   <li>DR = verified delivery × the event's rate.</li>
 *   <li>Network fee = energy leaving its feeder × the rate of the highest tier crossed, to the feeder's distributor;
 *       it is not a reward, so no creators fee on it.</li>
 *   <li>Subsidy top-up = beneficiary's clean kWh (produced, not storage, plus consumed) × rate; when the pool cannot
 *       pay all requests of one interval, each is scaled down pro rata (rounding down, the rest stays in the
 *       pool).</li>
 * </ul>
 */
public final class RewardCalculator {

    /** Verified DR delivery of one device in one interval, to be paid at the event's rate by the utility. */
    public record DrPayment(String eventId, String utilityAccount, String deviceId, String ownerAddress,
                            long intervalStart, long deliveredMilliWh, long ratePerKwh) {}

    /** A beneficiary's clean energy in one interval, claiming a top-up. */
    public record Beneficiary(String deviceId, String ownerAddress, long cleanMilliWh) {}

    private final Rulebook rulebook;
    private final Rulebook.RewardRates rates;

    public RewardCalculator(Rulebook rulebook) {
        this.rulebook = rulebook;
        this.rates = rulebook.rewards();
    }

    public Rulebook rulebook() {
        return rulebook;
    }

    /**
     * Rewards of one device in one interval.
     *
     * @param shiftableReleasedMilliWh for a storage device, the shiftable energy of its discharge in this interval
     *                                 ({@link BatteryCleanStock.Discharge#shiftableMilliWh()}); 0 otherwise
     */
    public List<LedgerLine> device(DeviceInterval d, long shiftableReleasedMilliWh) {
        List<LedgerLine> out = new ArrayList<>();
        String cause = "dev/" + d.deviceId() + "/" + d.intervalStart();
        QualityVector exp = d.exportQuality();
        QualityVector imp = d.importQuality();

        if (d.exportMilliWh() > 0 && !d.exportSource().isStorage() && exp.cleanPpm() > 0) {
            long gross = Money.energyAmount(d.exportMilliWh(), rates.cleanProductionPerKwh(), exp.cleanPpm(),
                    productionWeightPpm(exp));
            pay(out, cause, RewardReason.CLEAN_PRODUCTION, d.ownerAddress(), AccountKind.OWNER, d.deviceId(), gross,
                    Money.ofPpm(d.exportMilliWh(), exp.cleanPpm()), d.intervalStart(), rulebook.marketAccount(),
                    AccountKind.MARKET);
        }
        if (d.importMilliWh() > 0 && imp.stress() != Stress.PEAK && imp.localCleanPpm() > 0) {
            long gross = Money.energyAmount(d.importMilliWh(), rates.localCleanConsumptionPerKwh(), imp.localCleanPpm());
            pay(out, cause, RewardReason.LOCAL_CLEAN_CONSUMPTION, d.ownerAddress(), AccountKind.OWNER, d.deviceId(),
                    gross, Money.ofPpm(d.importMilliWh(), imp.localCleanPpm()), d.intervalStart(),
                    rulebook.marketAccount(), AccountKind.MARKET);
        }
        if (d.importMilliWh() > 0 && imp.stress() == Stress.SURPLUS) {
            long gross = Money.energyAmount(d.importMilliWh(), rates.surplusConsumptionPerKwh());
            pay(out, cause, RewardReason.SURPLUS_CONSUMPTION, d.ownerAddress(), AccountKind.OWNER, d.deviceId(), gross,
                    d.importMilliWh(), d.intervalStart(), rulebook.marketAccount(), AccountKind.MARKET);
        }
        if (d.exportSource().isStorage() && exp.stress() == Stress.PEAK && shiftableReleasedMilliWh > 0) {
            long shifted = Math.min(shiftableReleasedMilliWh, d.exportMilliWh());
            long gross = Money.energyAmount(shifted, rates.storageShiftPerKwh());
            pay(out, cause, RewardReason.STORAGE_SHIFT, d.ownerAddress(), AccountKind.OWNER, d.deviceId(), gross,
                    shifted, d.intervalStart(), rulebook.marketAccount(), AccountKind.MARKET);
        }
        return out;
    }

    /** Weight of a clean export in ppm (10⁶ = the plain rate). */
    long productionWeightPpm(QualityVector exp) {
        long local = exp.localPpm();
        long nonLocalWeight = exp.stress() == Stress.SURPLUS ? rates.surplusNonLocalPpm() : Money.PPM;
        long weighted = Math.addExact(Math.multiplyExact(Money.PPM - local, nonLocalWeight),
                Math.multiplyExact(local, Money.PPM + rates.localBonusPpm()));
        long weight = weighted / Money.PPM;
        return exp.stress() == Stress.PEAK ? Math.addExact(weight, rates.peakBonusPpm()) : weight;
    }

    public List<LedgerLine> drDelivery(DrPayment p) {
        List<LedgerLine> out = new ArrayList<>();
        long gross = Money.energyAmount(p.deliveredMilliWh(), p.ratePerKwh());
        String cause = "dr/" + p.eventId() + "/" + p.deviceId() + "/" + p.intervalStart();
        pay(out, cause, RewardReason.DR_DELIVERY, p.ownerAddress(), AccountKind.OWNER, p.deviceId(), gross,
                p.deliveredMilliWh(), p.intervalStart(), p.utilityAccount(), AccountKind.MARKET);
        return out;
    }

    public List<LedgerLine> networkFee(NetworkTiers.Crossing c) {
        long weighted = Math.addExact(Math.multiplyExact(c.substationMilliWh(), rates.networkFeeSubstationPerKwh()),
                Math.multiplyExact(c.regionMilliWh(), rates.networkFeeRegionPerKwh()));
        long fee = weighted / Money.MILLI_WH_PER_KWH;
        if (fee == 0) return List.of();
        String cause = "net/" + c.feederId() + "/" + c.intervalStart();
        long period = rulebook.settlement().indexOf(c.intervalStart());
        return List.of(
                line(cause, RewardReason.FUNDING, "funding", rulebook.marketAccount(), AccountKind.MARKET, null,
                        -fee, c.totalMilliWh(), c.intervalStart(), period),
                line(cause, RewardReason.NETWORK_FEE, "payee", c.distributorId(), AccountKind.DISTRIBUTOR, null,
                        fee, c.totalMilliWh(), c.intervalStart(), period));
    }

    /**
     * A capital contributor's credits entering the pool. The contributor paid for them outside this ledger (S*
     * bought on the market's curve), so the funding line sits on a MARKET-kind account {@code contributor:<address>},
     * never on the contributor's payee account: a contributor who also owns devices is not docked what it is owed.
     */
    public List<LedgerLine> contribution(SubsidyPool pool, String contributionId, String contributorAddress,
                                         long amount, long atMillis) {
        if (amount <= 0) throw new IllegalArgumentException("contribution must be positive");
        String cause = "fund/" + contributionId;
        long period = rulebook.settlement().indexOf(atMillis);
        pool.credit(amount);
        return List.of(
                line(cause, RewardReason.FUNDING, "funding", "contributor:" + contributorAddress, AccountKind.MARKET, null,
                        -amount, 0,
                        atMillis, period),
                line(cause, RewardReason.FUNDING, "pool", pool.account(), AccountKind.SUBSIDY_POOL, null, amount, 0,
                        atMillis, period));
    }

    /** Top-ups of one interval's beneficiaries from the pool, never beyond its balance. */
    public List<LedgerLine> subsidy(SubsidyPool pool, long intervalStart, List<Beneficiary> beneficiaries) {
        List<Beneficiary> sorted = new ArrayList<>(beneficiaries);
        sorted.sort(Comparator.comparing(Beneficiary::deviceId));
        long[] requested = new long[sorted.size()];
        long total = 0;
        for (int i = 0; i < sorted.size(); i++) {
            requested[i] = Money.energyAmount(sorted.get(i).cleanMilliWh(), rates.subsidyTopUpPerKwh());
            total = Math.addExact(total, requested[i]);
        }
        long available = pool.balance();
        List<LedgerLine> out = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            long pay = total <= available ? requested[i] : Money.mulDiv(requested[i], available, total);
            Beneficiary b = sorted.get(i);
            pool.debit(pay);
            pay(out, "sub/" + b.deviceId() + "/" + intervalStart, RewardReason.SUBSIDY_TOPUP, b.ownerAddress(),
                    AccountKind.OWNER, b.deviceId(), pay, b.cleanMilliWh(), intervalStart, pool.account(),
                    AccountKind.SUBSIDY_POOL);
        }
        return out;
    }

    private void pay(List<LedgerLine> out, String cause, RewardReason reason, String payee, AccountKind payeeKind,
                     String deviceId, long gross, long energyMilliWh, long intervalStart, String funder,
                     AccountKind funderKind) {
        if (gross == 0) return;
        long fee = Money.basisPoints(gross, rates.creatorsFeeBps());
        long period = rulebook.settlement().indexOf(intervalStart);
        String prefix = cause + "/" + reason;
        out.add(line(prefix, RewardReason.FUNDING, "funding", funder, funderKind, deviceId, -gross, energyMilliWh,
                intervalStart, period));
        out.add(line(prefix, reason, "payee", payee, payeeKind, deviceId, gross - fee, energyMilliWh, intervalStart,
                period));
        if (fee > 0) {
            out.add(line(prefix, RewardReason.CREATORS_FUND_FEE, "creators", rulebook.creatorsFundAccount(),
                    AccountKind.CREATORS_FUND, deviceId, fee, 0, intervalStart, period));
        }
    }

    private LedgerLine line(String cause, RewardReason reason, String role, String account, AccountKind kind,
                            String deviceId, long amount, long energyMilliWh, long intervalStart, long period) {
        return new LedgerLine(cause + "/" + role, account, kind, deviceId, reason, amount, energyMilliWh,
                intervalStart, period, rulebook.version());
    }
}
