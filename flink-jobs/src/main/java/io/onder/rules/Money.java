package io.onder.rules;

import java.math.BigInteger;

/**
 * Exact integer arithmetic for S* base units (6 decimals), energies in milliwatt-hours and shares in parts per
 * million. Every product is formed exactly and divided once, rounding down, so a result never depends on the order
 * of factors. No floating point ever touches an amount.
 */
public final class Money {

    /** Parts per million in one whole: a share of 1.0. */
    public static final long PPM = 1_000_000L;
    /** Milliwatt-hours in one kilowatt-hour: rates are quoted per kWh. */
    public static final long MILLI_WH_PER_KWH = 1_000_000L;
    /** Basis points in one whole. */
    public static final long BPS = 10_000L;
    /** Base units in one S*. */
    public static final long BASE_UNITS_PER_TOKEN = 1_000_000L;

    private Money() {}

    /** floor(a × b / divisor) for non-negative a, b and positive divisor, exact even when a × b overflows. */
    public static long mulDiv(long a, long b, long divisor) {
        requireNonNegative(a, b);
        if (divisor <= 0) throw new ArithmeticException("divisor must be positive: " + divisor);
        long hi = Math.multiplyHigh(a, b);
        if (hi == 0 && a * b >= 0) return (a * b) / divisor;
        return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b))
                .divide(BigInteger.valueOf(divisor)).longValueExact();
    }

    /**
     * The reward for an energy at a rate, weighted by shares: floor(milliWh × ratePerKwh × ppm₁ × … × ppmₙ
     * / (10⁶ × 10⁶ⁿ)). One division, so splitting the weights differently never changes the result.
     */
    public static long energyAmount(long milliWh, long ratePerKwh, long... ppmWeights) {
        requireNonNegative(milliWh, ratePerKwh);
        BigInteger product = BigInteger.valueOf(milliWh).multiply(BigInteger.valueOf(ratePerKwh));
        BigInteger divisor = BigInteger.valueOf(MILLI_WH_PER_KWH);
        for (long w : ppmWeights) {
            requireNonNegative(w, 0);
            product = product.multiply(BigInteger.valueOf(w));
            divisor = divisor.multiply(BigInteger.valueOf(PPM));
        }
        return product.divide(divisor).longValueExact();
    }

    /** floor(amount × bps / 10 000): a fee in basis points, rounded down so the payee keeps the remainder. */
    public static long basisPoints(long amount, long bps) {
        return mulDiv(amount, bps, BPS);
    }

    /** floor(part × 10⁶ / whole): a share in parts per million; 0 when the whole is 0. */
    public static long sharePpm(long part, long whole) {
        if (whole == 0) return 0;
        return mulDiv(part, PPM, whole);
    }

    /** floor(value × ppm / 10⁶). */
    public static long ofPpm(long value, long ppm) {
        return mulDiv(value, ppm, PPM);
    }

    /** Renders base units as a decimal S* amount, for logs and reports only. */
    public static String format(long baseUnits) {
        String sign = baseUnits < 0 ? "-" : "";
        long abs = Math.abs(baseUnits);
        return sign + (abs / BASE_UNITS_PER_TOKEN) + "." + String.format("%06d", abs % BASE_UNITS_PER_TOKEN);
    }

    private static void requireNonNegative(long a, long b) {
        if (a < 0 || b < 0) throw new ArithmeticException("negative operand: " + a + ", " + b);
    }
}
