package io.onder.flink;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** The day bucket (yyyymmdd, UTC) that bounds the partitions of time-series tables. */
public final class Days {
  private Days() {}

  public static int of(long epochMillis) {
    LocalDate d = Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC).toLocalDate();
    return d.getYear() * 10_000 + d.getMonthValue() * 100 + d.getDayOfMonth();
  }

  public static int of(Instant t) {
    return of(t.toEpochMilli());
  }
}
