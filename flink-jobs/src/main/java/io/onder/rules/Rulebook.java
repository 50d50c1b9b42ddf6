package io.onder.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The versioned market rulebook: every rate, share and threshold a rule uses, loaded from a properties file
 * (see {@code onder/rulebook/*.properties} for the documented keys). Every key is required and no unknown key is
 * accepted, so a typo fails at load time rather than paying at a default.
 */
public final class Rulebook {

    /** The bundled rulebook resource the jobs start with. */
    public static final String DEFAULT_RESOURCE = "onder/rulebook/onder-flex-2025.1.properties";

    /** Clean shares and stress thresholds. */
    public record QualityRules(Map<EnergySource, Long> cleanPpmBySource, long peakThresholdPpm,
                               long surplusThresholdPpm) {
        public QualityRules {
            cleanPpmBySource = Map.copyOf(cleanPpmBySource);
        }

        /** Clean share of energy from a source that is not storage or grid. */
        public long cleanPpmOf(EnergySource source) {
            Long ppm = cleanPpmBySource.get(source);
            if (ppm == null) throw new IllegalArgumentException("no clean share for source " + source);
            return ppm;
        }
    }

    /** Reward rates (S* base units per kWh), bonuses (ppm) and fees. */
    public record RewardRates(long cleanProductionPerKwh, long localBonusPpm, long peakBonusPpm,
                              long surplusNonLocalPpm, long localCleanConsumptionPerKwh,
                              long surplusConsumptionPerKwh, long storageShiftPerKwh, long creatorsFeeBps,
                              long networkFeeSubstationPerKwh, long networkFeeRegionPerKwh,
                              long subsidyTopUpPerKwh) {}

    /** Demand-response parameters. */
    public record DrRules(long marginPpm, long reliabilityPriorPpm, long reliabilityBandPpm,
                          long reliabilityAlphaPpm, int baselineWindowIntervals, int baselineMinIntervals,
                          int baselineAdjustIntervals, long baselineAdjustCapPpm, long heatPumpShedPpm,
                          long loadShedPpm) {}

    private final String version;
    private final String marketAccount;
    private final String creatorsFundAccount;
    private final QualityRules quality;
    private final RewardRates rewards;
    private final DrRules dr;
    private final SettlementPeriods settlement;

    private Rulebook(Properties p) {
        Reader r = new Reader(p);
        this.version = r.text("rulebook.version");
        this.marketAccount = r.text("account.market");
        this.creatorsFundAccount = r.text("account.creatorsFund");
        Map<EnergySource, Long> clean = new EnumMap<>(EnergySource.class);
        clean.put(EnergySource.PV, r.share("quality.clean.pv.ppm"));
        clean.put(EnergySource.WIND, r.share("quality.clean.wind.ppm"));
        clean.put(EnergySource.HYDRO, r.share("quality.clean.hydro.ppm"));
        clean.put(EnergySource.CHP, r.share("quality.clean.chp.ppm"));
        clean.put(EnergySource.DIESEL, r.share("quality.clean.diesel.ppm"));
        clean.put(EnergySource.UNKNOWN, r.share("quality.clean.unknown.ppm"));
        this.quality = new QualityRules(clean, r.share("quality.stress.peak.threshold.ppm"),
                r.share("quality.stress.surplus.threshold.ppm"));
        this.rewards = new RewardRates(
                r.amount("reward.production.clean.perKwh"),
                r.amount("reward.production.localBonus.ppm"),
                r.amount("reward.production.peakBonus.ppm"),
                r.share("reward.production.surplusNonLocal.ppm"),
                r.amount("reward.consumption.localClean.perKwh"),
                r.amount("reward.consumption.surplus.perKwh"),
                r.amount("reward.storage.shift.perKwh"),
                r.bounded("fee.creators.bps", Money.BPS),
                r.amount("fee.network.substation.perKwh"),
                r.amount("fee.network.region.perKwh"),
                r.amount("subsidy.topup.perKwh"));
        int window = (int) r.bounded("dr.baseline.window.intervals", 10_000);
        this.dr = new DrRules(
                r.amount("dr.margin.ppm"),
                r.share("dr.reliability.prior.ppm"),
                r.share("dr.reliability.band.ppm"),
                r.share("dr.reliability.alpha.ppm"),
                window,
                (int) r.bounded("dr.baseline.min.intervals", window),
                (int) r.bounded("dr.baseline.adjust.intervals", window),
                r.share("dr.baseline.adjust.cap.ppm"),
                r.share("dr.heatPump.shed.ppm"),
                r.share("dr.load.shed.ppm"));
        if (dr.reliabilityBandPpm() == 0) throw new IllegalArgumentException("dr.reliability.band.ppm must be > 0");
        if (dr.baselineWindowIntervals() == 0) throw new IllegalArgumentException("dr.baseline.window.intervals must be > 0");
        long period = r.amount("settlement.period.millis");
        if (period == 0) throw new IllegalArgumentException("settlement.period.millis must be > 0");
        this.settlement = new SettlementPeriods(0L, period);
        r.rejectUnread();
    }

    public static Rulebook load(Properties properties) {
        return new Rulebook(properties);
    }

    public static Rulebook load(InputStream in) {
        Properties p = new Properties();
        try (in) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return load(p);
    }

    public static Rulebook load(Path file) {
        try {
            return load(Files.newInputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read rulebook " + file, e);
        }
    }

    public static Rulebook fromResource(String name) {
        InputStream in = Rulebook.class.getClassLoader().getResourceAsStream(name);
        if (in == null) throw new IllegalArgumentException("no rulebook resource " + name);
        return load(in);
    }

    /** The bundled rulebook. */
    public static Rulebook defaults() {
        return fromResource(DEFAULT_RESOURCE);
    }

    /** The bundled rulebook's properties, for tests and tools that derive a variant from it. */
    public static Properties defaultProperties() {
        Properties p = new Properties();
        try (InputStream in = Rulebook.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) throw new IllegalStateException("no rulebook resource " + DEFAULT_RESOURCE);
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public String version() {
        return version;
    }

    public String marketAccount() {
        return marketAccount;
    }

    public String creatorsFundAccount() {
        return creatorsFundAccount;
    }

    public QualityRules quality() {
        return quality;
    }

    public RewardRates rewards() {
        return rewards;
    }

    public DrRules dr() {
        return dr;
    }

    public SettlementPeriods settlement() {
        return settlement;
    }

    @Override
    public String toString() {
        return "Rulebook[" + version + "]";
    }

    /** Reads and validates keys, remembering which were read so unknown ones can be refused. */
    private static final class Reader {
        private final Properties p;
        private final Set<String> read = new TreeSet<>();

        Reader(Properties p) {
            this.p = p;
        }

        String text(String key) {
            read.add(key);
            String v = p.getProperty(key);
            if (v == null || v.isBlank()) throw new IllegalArgumentException("rulebook key missing: " + key);
            return v.trim();
        }

        long amount(String key) {
            String v = text(key);
            long n;
            try {
                n = Long.parseLong(v.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("rulebook key " + key + " is not an integer: " + v);
            }
            if (n < 0) throw new IllegalArgumentException("rulebook key " + key + " is negative: " + n);
            return n;
        }

        long bounded(String key, long max) {
            long n = amount(key);
            if (n > max) throw new IllegalArgumentException("rulebook key " + key + " above " + max + ": " + n);
            return n;
        }

        long share(String key) {
            return bounded(key, Money.PPM);
        }

        void rejectUnread() {
            Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
            unknown.removeAll(read);
            if (!unknown.isEmpty()) throw new IllegalArgumentException("unknown rulebook keys: " + unknown);
        }
    }
}
