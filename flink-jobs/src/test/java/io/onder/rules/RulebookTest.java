package io.onder.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class RulebookTest {

    @Test
    void the_bundled_rulebook_loads_with_its_version() {
        Rulebook r = Rulebook.defaults();
        assertThat(r.version()).isEqualTo("onder-flex-2025.1");
        assertThat(r.rewards().creatorsFeeBps()).isEqualTo(100);
        assertThat(r.quality().cleanPpmOf(EnergySource.CHP)).isEqualTo(500_000);
        assertThat(r.quality().cleanPpmOf(EnergySource.DIESEL)).isZero();
        assertThat(r.settlement().lengthMillis()).isEqualTo(3_600_000);
        assertThat(r.dr().marginPpm()).isEqualTo(100_000);
    }

    @Test
    void a_missing_key_fails_at_load_rather_than_paying_a_default() {
        Properties p = Rulebook.defaultProperties();
        p.remove("reward.storage.shift.perKwh");
        assertThatThrownBy(() -> Rulebook.load(p)).hasMessageContaining("reward.storage.shift.perKwh");
    }

    @Test
    void a_misspelt_key_fails_at_load() {
        Properties p = Rulebook.defaultProperties();
        p.setProperty("reward.production.peakBonus.pmm", "1");
        assertThatThrownBy(() -> Rulebook.load(p)).hasMessageContaining("unknown rulebook keys");
    }

    @Test
    void shares_above_one_and_negative_rates_are_refused() {
        Properties p = Rulebook.defaultProperties();
        p.setProperty("quality.clean.chp.ppm", "1000001");
        assertThatThrownBy(() -> Rulebook.load(p)).hasMessageContaining("quality.clean.chp.ppm");
        Properties q = Rulebook.defaultProperties();
        q.setProperty("reward.production.clean.perKwh", "-1");
        assertThatThrownBy(() -> Rulebook.load(q)).hasMessageContaining("negative");
        Properties f = Rulebook.defaultProperties();
        f.setProperty("fee.creators.bps", "10001");
        assertThatThrownBy(() -> Rulebook.load(f)).hasMessageContaining("fee.creators.bps");
    }

    @Test
    void a_rulebook_loads_from_a_stream_as_an_operator_would_supply_it() throws IOException {
        Properties p = Rulebook.defaultProperties();
        p.setProperty("rulebook.version", "operator-test");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.store(out, null);
        Rulebook r = Rulebook.load(new ByteArrayInputStream(out.toString(StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(r.version()).isEqualTo("operator-test");
    }
}
