package io.onder.rules;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Energy of one device per interval, from its cumulative import and export registers (see {@link RegisterTimeline}
 * for how gaps, resets and out-of-order readings are handled). A register the device never reported counts as zero;
 * a register it reports must have readings at or around both ends of an interval before the interval has an answer.
 */
public final class IntervalEnergy {

    /** Energy of one device in one interval, in milliwatt-hours. */
    public record Energy(long startMillis, long endMillis, long importMilliWh, long exportMilliWh) {
        public long netImportMilliWh() {
            return importMilliWh - exportMilliWh;
        }
    }

    private final RegisterTimeline imports;
    private final RegisterTimeline exports;

    public IntervalEnergy() {
        this(new RegisterTimeline(), new RegisterTimeline());
    }

    public IntervalEnergy(RegisterTimeline imports, RegisterTimeline exports) {
        this.imports = imports;
        this.exports = exports;
    }

    public RegisterTimeline imports() {
        return imports;
    }

    public RegisterTimeline exports() {
        return exports;
    }

    /**
     * Takes a reading. The answer is ACCEPTED if either register took it, DUPLICATE if it was seen before, and
     * TOO_LATE if it is older than what is kept (the caller routes it to a side output for correction).
     */
    public RegisterTimeline.Accept accept(Reading r) {
        return accept(r, Long.MIN_VALUE);
    }

    /**
     * Takes a reading when intervals up to {@code closedAt} were emitted (Long.MIN_VALUE: none): one that would change
     * the registers at that instant, and so the energy of the intervals on either side of it, is TOO_LATE. Its energy
     * is not lost: the registers are cumulative, and the next reading carries it into the next interval.
     */
    public RegisterTimeline.Accept accept(Reading r, long closedAt) {
        RegisterTimeline.Accept a = r.importMilliWh() == null ? null
                : imports.add(r.seq(), r.timeMillis(), r.importMilliWh(), r.meterReset(), closedAt);
        RegisterTimeline.Accept b = r.exportMilliWh() == null ? null
                : exports.add(r.seq(), r.timeMillis(), r.exportMilliWh(), r.meterReset(), closedAt);
        if (a == RegisterTimeline.Accept.ACCEPTED || b == RegisterTimeline.Accept.ACCEPTED) {
            return RegisterTimeline.Accept.ACCEPTED;
        }
        if (a == RegisterTimeline.Accept.TOO_LATE || b == RegisterTimeline.Accept.TOO_LATE) {
            return RegisterTimeline.Accept.TOO_LATE;
        }
        return RegisterTimeline.Accept.DUPLICATE;
    }

    /** Energy in [start, end), or empty while the readings do not yet cover it. */
    public Optional<Energy> between(long startMillis, long endMillis) {
        OptionalLong in = energyOf(imports, startMillis, endMillis);
        OptionalLong out = energyOf(exports, startMillis, endMillis);
        if (in.isEmpty() || out.isEmpty()) return Optional.empty();
        if (imports.isEmpty() && exports.isEmpty()) return Optional.empty();
        return Optional.of(new Energy(startMillis, endMillis, in.getAsLong(), out.getAsLong()));
    }

    /** The latest instant up to which every reported register is known: intervals ending by then can close. */
    public OptionalLong coveredUntil() {
        if (imports.isEmpty() && exports.isEmpty()) return OptionalLong.empty();
        if (imports.isEmpty()) return exports.lastTime();
        if (exports.isEmpty()) return imports.lastTime();
        return OptionalLong.of(Math.min(imports.lastTime().getAsLong(), exports.lastTime().getAsLong()));
    }

    /** Forgets readings not needed for intervals starting at or after the instant. */
    public void forgetBefore(long timeMillis) {
        imports.forgetBefore(timeMillis);
        exports.forgetBefore(timeMillis);
    }

    private static OptionalLong energyOf(RegisterTimeline t, long start, long end) {
        return t.isEmpty() ? OptionalLong.of(0) : t.energy(start, end);
    }
}
