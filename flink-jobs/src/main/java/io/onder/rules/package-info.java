/**
 * Onder's domain rules: plain Java, no Flink, Kafka or Cassandra types. The jobs map Avro records to and from these
 * types. Every amount is a {@code long} of S* base units, every energy a {@code long} of milliwatt-hours, every share
 * a {@code long} in parts per million; {@link io.onder.rules.Money} does the exact arithmetic (one division, rounding
 * down). Rates come from the versioned {@link io.onder.rules.Rulebook}.
 *
 * <h2>Rules chosen where domain.md is silent</h2>
 * <ul>
 *   <li><b>Registers</b> ({@link io.onder.rules.RegisterTimeline}): linear interpolation to interval boundaries,
 *       rounding down, so intervals telescope exactly; a reset (flagged, or a register going backwards) counts its
 *       raw value as energy since the previous reading; same instant: higher sequence number wins; readings older than
 *       the kept horizon are refused as too late (side output + correction).</li>
 *   <li><b>Locality</b> ({@link io.onder.rules.FeederQuality}): local match = min(feeder import, feeder export),
 *       shared pro rata by every exporter and every consumer; import clean share = local × clean share of the local
 *       supply + (1 − local) × region grid mix; unknown export sources are not clean; GRID re-export carries the
 *       grid mix; stress from average net load of the interval, level may exceed 1.</li>
 *   <li><b>Storage</b> ({@link io.onder.rules.BatteryCleanStock}): discharge before charge within one interval;
 *       discharge beyond the tracked stock is neither clean nor shiftable; "shiftable" = charged at SURPLUS (all) or
 *       the clean part otherwise. Storage exports earn STORAGE_SHIFT (at PEAK only), never CLEAN_PRODUCTION, so
 *       clean energy is rewarded once when produced.</li>
 *   <li><b>Rewards</b> ({@link io.onder.rules.RewardCalculator}): energy rewards and network fees are funded by the
 *       market account, DR by the utility's account, top-ups by the subsidy pool; the creators fee is taken out of
 *       each reward (not added on top), rounded down, remainder to the payee; no creators fee on the network fee
 *       (it is a fee, not a reward); at SURPLUS only the locally consumed share of an export earns (rulebook weight
 *       for the rest, 0 by default); local clean consumption and surplus consumption can both apply; subsidy counts a
 *       beneficiary's clean kWh produced (not storage) plus consumed, scaled pro rata within an interval when the pool
 *       is short, remainder stays in the pool; contributions are funded by a MARKET-kind {@code contributor:<addr>}
 *       account so a contributor who owns devices is never docked.</li>
 *   <li><b>Network tiers</b> ({@link io.onder.rules.NetworkTiers}): only pool export leaving its feeder pays; within
 *       the substation → SUBSTATION rate, beyond → REGION rate, split pro rata (remainder region); fee to the
 *       exporting feeder's distributor.</li>
 *   <li><b>Entry ids</b>: {@code <cause>/<reason>/<role>} with cause {@code dev/<device>/<interval>},
 *       {@code dr/<event>/<device>/<interval>}, {@code net/<feeder>/<interval>}, {@code sub/<device>/<interval>},
 *       {@code fund/<contribution>}; the rulebook version is not part of the id, so a replay under another rulebook
 *       joins line by line to report the difference; corrections append {@code /r<revision>}.</li>
 *   <li><b>Dispatch</b> ({@link io.onder.rules.Dispatcher}): goal = target × (1 + margin) of reliability-weighted
 *       delivery; rank by reliability band, cost, last asked, then a hash of
 *       (event, device) so equal devices take turns across events, then device id; last device asked only for the remainder;
 *       re-dispatch asks devices not yet commanded for the shortfall.</li>
 *   <li><b>Baseline</b> ({@link io.onder.rules.Baseline}): mean of the N intervals before the start, additive
 *       adjustment to the last A intervals capped at ±cap × |mean|; for short-notice events the intervals after the
 *       announcement are left out; too few intervals → no baseline → not paid.</li>
 *   <li><b>Verification</b> ({@link io.onder.rules.Verification}): partial intervals pro-rated to the covered time;
 *       reliability is an EWMA of delivered/requested capped at 1.</li>
 *   <li><b>Settlement</b> ({@link io.onder.rules.CumulativeOwed}): payees are owners, distributors and the creators
 *       fund; addresses lower case; cumulative amounts never decrease, and an amount that would fall fails rather
 *       than pay more than the ledger owes.</li>
 * </ul>
 */
package io.onder.rules;
