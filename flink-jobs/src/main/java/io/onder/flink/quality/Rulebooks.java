package io.onder.flink.quality;

import io.onder.rules.Rulebook;

/** Finds a market rulebook by version among the versioned files shipped in {@code onder/rulebook/}. */
public final class Rulebooks {
  private Rulebooks() {}

  public static Rulebook load(String version) {
    if (version == null || version.isBlank()) return Rulebook.defaults();
    Rulebook r = Rulebook.fromResource("onder/rulebook/" + version + ".properties");
    if (!r.version().equals(version)) throw new IllegalArgumentException("rulebook file of " + version + " says version " + r.version());
    return r;
  }
}
