package io.onder.cli.demo;

import java.time.Duration;
import java.time.LocalTime;

/**
 * The knobs of a demo run; the defaults are the seeds' "Region #1" testbed. {@code drStart} null: the demo picks the
 * DR event's time ({@link Demo#drSchedule}).
 */
public record DemoSettings(int devices, int feeders, int substations, LocalTime start, double hours, double speed, Duration readingEvery, int packSize,
    double compliance, LocalTime drStart, Duration drLength, long seed, boolean keep, boolean progress, Duration interval) {

  public static DemoSettings defaults() {
    return new DemoSettings(1_000, 10, 2, LocalTime.MIDNIGHT, 24, 288, Duration.ofMinutes(2), 5, 0.9, null, Duration.ofHours(1), 2018, false, true, Duration.ofMinutes(5));
  }
}
