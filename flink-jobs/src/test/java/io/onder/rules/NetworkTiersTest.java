package io.onder.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.rules.FeederQuality.FeederInterval;
import io.onder.rules.NetworkTiers.Crossing;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkTiersTest {

    static FeederInterval feeder(String id, long leaving, long entering) {
        return new FeederInterval(new FeederTopology(id, "s1", "r1", "dso-" + id, 100_000, 50_000), 60_000, 120_000,
                entering, leaving, 0, 0, 0, 0, Stress.NONE, 0, leaving, entering, List.of());
    }

    @Test
    void export_consumed_in_the_substation_crosses_one_tier_and_the_rest_goes_to_the_region() {
        // A sends 600, B sends 200, C takes 500: 500 stays in the substation, shared 600:200
        // A: 600 × 500/800 = 375 substation, 225 region; B: 200 × 500/800 = 125, 75
        List<Crossing> c = NetworkTiers.split(List.of(feeder("C", 0, 500), feeder("A", 600, 0), feeder("B", 200, 0)));
        assertThat(c).containsExactly(
                new Crossing("A", "dso-A", 60_000, 375, 225),
                new Crossing("B", "dso-B", 60_000, 125, 75));
    }

    @Test
    void rounding_never_counts_more_in_the_substation_than_stayed_there() {
        // 1 + 1 sent, 1 taken: each 1 × 1/2 = 0.5 → 0; the remainder is region-tier
        List<Crossing> c = NetworkTiers.split(List.of(feeder("A", 1, 0), feeder("B", 1, 0), feeder("C", 0, 1)));
        assertThat(c).extracting(Crossing::substationMilliWh).containsExactly(0L, 0L);
        assertThat(c).extracting(Crossing::totalMilliWh).containsExactly(1L, 1L);
    }

    @Test
    void energy_used_on_its_own_feeder_crosses_no_tier() {
        assertThat(NetworkTiers.split(List.of(feeder("A", 0, 0)))).isEmpty();
    }

    @Test
    void a_lone_feeder_counts_its_export_at_the_substation_tier_only() {
        assertThat(NetworkTiers.feederOnly(feeder("A", 400, 0))).isEqualTo(new Crossing("A", "dso-A", 60_000, 400, 0));
    }
}
