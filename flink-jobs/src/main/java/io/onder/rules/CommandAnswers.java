package io.onder.rules;

import java.util.Collection;

/**
 * A device's answer to its dispatch command, and what the pool may count on during a DR event.
 *
 * <p>Rules (chosen where the product notes are silent):
 * <ul>
 *   <li>A device answers {@code ACCEPTED}, {@code COMPLETED} (both: it takes the ask) or {@code REJECTED} (it refuses).
 *       An answer counts from the time the device gave it. A refusal is final for that command: a later answer does
 *       not take it back, since the pool has covered the device's share with others by then.</li>
 *   <li>A device that has not answered within the timeout after its command was issued (by default one interval) is
 *       unanswered until it answers; an answer after the timeout counts from then on.</li>
 *   <li>Counted on: a device that accepted, or whose timeout has not run out yet. A refused or unanswered device is
 *       not counted on: what the pool expects of it is covered by others (re-dispatch).</li>
 *   <li>A device's delivery is verified, paid and counted in the pool's measured delivery only from the time it
 *       accepted its command ({@link #paidFrom}); an interval it accepted in is verified over the part after the
 *       acceptance. Before it, the device has shown no sign of having received the command, and its load's drift from
 *       the baseline is not an answer to the ask: a device whose command reached it too late, or never, is not paid
 *       for what it happened to do meanwhile. An answer is not lost on the way: the gateway acknowledges it to the
 *       device only once Kafka has it, and the device sends it again otherwise. A device that never accepts is not
 *       paid; its ask still counts in its reliability, as nothing delivered.</li>
 *   <li>A refused device's interval is verified, and paid, only if it ended by the refusal (and after its acceptance,
 *       if it accepted first). Its ask stays what it was, so in its reliability a refusal counts as nothing delivered
 *       of the rest of the ask.</li>
 *   <li>What the pool counts on right after a refusal is the <em>expected</em> delivery of the devices still counted
 *       on (asked W × reliability, as {@link Dispatcher} plans); at an interval boundary it is the <em>measured</em>
 *       delivery of the devices that did not refuse, each as average W over the part of the interval it was asked
 *       in.</li>
 * </ul>
 */
public final class CommandAnswers {

    /** Mirrors the Avro AckStatus. */
    public enum Reply { ACCEPTED, REJECTED, COMPLETED }

    /** Where a commanded device stands at a given time. */
    public enum Standing { PENDING, ACCEPTED, REFUSED, UNANSWERED }

    /** A commanded device with what it was asked and, for a measured interval, what it delivered in it. */
    public record Asked(Standing standing, long requestedW, long reliabilityPpm, long deliveredMilliWh, long askedMillis) {}

    private CommandAnswers() {}

    /**
     * @param reply the device's latest answer, or null if none yet
     * @param repliedAtMillis when it gave it
     * @param issuedAtMillis when its command was issued
     * @param timeoutMillis how long it has to answer
     */
    public static Standing standing(Reply reply, long repliedAtMillis, long issuedAtMillis, long timeoutMillis, long atMillis) {
        if (reply != null && repliedAtMillis <= atMillis) return reply == Reply.REJECTED ? Standing.REFUSED : Standing.ACCEPTED;
        return atMillis - issuedAtMillis < timeoutMillis ? Standing.PENDING : Standing.UNANSWERED;
    }

    public static boolean countedOn(Standing s) {
        return s == Standing.PENDING || s == Standing.ACCEPTED;
    }

    /** Whether a device's answer {@code next} replaces the one it gave before ({@code null}: none): a refusal is final. */
    public static boolean replaces(Reply current, Reply next) {
        return current != Reply.REJECTED;
    }

    /**
     * From when a commanded device's delivery is verified and paid: its acceptance, and not before its ask starts.
     *
     * @param acceptedAtMillis when it accepted its command; {@link Long#MAX_VALUE} if it has not
     * @return {@link Long#MAX_VALUE} if it has not accepted
     */
    public static long paidFrom(long acceptedAtMillis, long askFromMillis) {
        return Math.max(acceptedAtMillis, askFromMillis);
    }

    /** Whether a device that refused at {@code refusedAtMillis} has its interval ending at {@code intervalEndMillis} verified. */
    public static boolean verified(long refusedAtMillis, long intervalEndMillis) {
        return intervalEndMillis <= refusedAtMillis;
    }

    /** Expected delivery of the devices counted on, W: asked W × reliability, each rounded down. */
    public static long expectedW(Collection<Asked> devices) {
        long sum = 0;
        for (Asked a : devices) {
            if (countedOn(a.standing())) sum += Money.mulDiv(a.requestedW(), a.reliabilityPpm(), Money.PPM);
        }
        return sum;
    }

    /**
     * Measured delivery of the devices that did not refuse, W: each one's verified mWh over the time it was asked in the
     * interval after its acceptance.
     */
    public static long measuredW(Collection<Asked> devices) {
        long sum = 0;
        for (Asked a : devices) {
            if (a.standing() == Standing.REFUSED || a.askedMillis() <= 0) continue;
            sum += Math.floorDiv(Math.multiplyExact(a.deliveredMilliWh(), 3_600L), a.askedMillis());
        }
        return sum;
    }
}
