package io.onder.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.onder.ingest.senml.SenmlCodec;
import io.onder.ingest.senml.SenmlRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SenmlCodecTest {
  private static final long NOW = 1_795_262_400_000L; // 2026-11-21T12:00:00Z
  private final SenmlCodec codec = new SenmlCodec(512);

  @Test
  void resolves_base_name_time_unit_and_value_as_rfc_8428_says() throws Exception {
    List<SenmlRecord> rs = codec.decode(110, Packs.json(
        "[{'bn':'dev-1:','bt':1795262000,'bu':'kWh','bv':10,'n':'import','v':2.5},{'n':'export','v':1,'t':60},"
            + "{'n':'power','u':'W','v':3,'t':-5}]"), NOW);
    assertThat(rs).hasSize(3);
    assertThat(rs.get(0)).isEqualTo(new SenmlRecord(0, "dev-1:import", "kWh", 12.5, null, null, 1_795_262_000_000L));
    assertThat(rs.get(1)).isEqualTo(new SenmlRecord(1, "dev-1:export", "kWh", 11.0, null, null, 1_795_262_060_000L));
    assertThat(rs.get(2).unit()).isEqualTo("W");
    assertThat(rs.get(2).timeMillis()).isEqualTo(1_795_261_995_000L);
  }

  @Test
  void times_below_two_to_the_28_are_relative_to_now() throws Exception {
    List<SenmlRecord> rs = codec.decode(110, Packs.json("[{'n':'seq','v':1,'t':-30},{'n':'seq','v':2}]"), NOW);
    assertThat(rs.get(0).timeMillis()).isEqualTo(NOW - 30_000);
    assertThat(rs.get(1).timeMillis()).isEqualTo(NOW);
  }

  @Test
  void reads_cbor_with_the_integer_labels_of_rfc_8428() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
      g.writeStartArray();
      g.writeStartObject();
      g.writeFieldId(-2); // bn
      g.writeString("dev-1:");
      g.writeFieldId(-3); // bt
      g.writeNumber(1_795_262_000L);
      g.writeFieldId(0); // n
      g.writeString("import");
      g.writeFieldId(1); // u
      g.writeString("kWh");
      g.writeFieldId(2); // v
      g.writeNumber(7.25);
      g.writeEndObject();
      g.writeStartObject();
      g.writeFieldId(0);
      g.writeString("src");
      g.writeFieldId(3); // vs
      g.writeString("pv");
      g.writeEndObject();
      g.writeStartObject();
      g.writeFieldId(0);
      g.writeString("reset");
      g.writeFieldId(4); // vb
      g.writeBoolean(true);
      g.writeEndObject();
      g.writeEndArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    List<SenmlRecord> rs = codec.decode(112, out.toByteArray(), NOW);
    assertThat(rs.get(0)).isEqualTo(new SenmlRecord(0, "dev-1:import", "kWh", 7.25, null, null, 1_795_262_000_000L));
    assertThat(rs.get(1).stringValue()).isEqualTo("pv");
    assertThat(rs.get(2).boolValue()).isTrue();
  }

  @Test
  void text_keys_in_cbor_work_too() throws Exception {
    List<SenmlRecord> rs = codec.decode(112, Packs.cbor(Packs.reading("dev-1", 5, 1_795_262_000L, 1.5, 0)), NOW);
    assertThat(rs).hasSize(4);
    assertThat(rs.get(1).value()).isEqualTo(1.5);
  }

  @Test
  void refuses_other_content_formats_with_unsupported_format() {
    assertThatThrownBy(() -> codec.decode(50, Packs.json("[]"), NOW)).isInstanceOfSatisfying(BadInput.class,
        e -> assertThat(e.kind()).isEqualTo(BadInput.Kind.UNSUPPORTED_FORMAT));
  }

  /** The name check, a loop over the characters, says what RFC 8428's pattern says, on names made to be near misses. */
  @Test
  void the_name_check_agrees_with_the_rfc_pattern() {
    java.util.regex.Pattern rfc = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9\\-:./_]*");
    String alphabet = "aZ09-:./_ #é\u0000+@[`{";
    java.util.Random random = new java.util.Random(11);
    int valid = 0;
    for (int i = 0; i < 50_000; i++) {
      StringBuilder name = new StringBuilder();
      for (int n = random.nextInt(6); n > 0; n--) name.append(alphabet.charAt(random.nextInt(alphabet.length())));
      boolean expected = rfc.matcher(name).matches();
      assertThat(SenmlCodec.validName(name.toString())).as("'%s'", name).isEqualTo(expected);
      if (expected) valid++;
    }
    assertThat(valid).as("both kinds were tried").isBetween(1_000, 49_000);
  }

  @Test
  void a_cbor_label_and_its_text_name_in_one_record_are_a_field_twice() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
      g.writeStartArray();
      g.writeStartObject();
      g.writeFieldId(0);
      g.writeString("dev-1:import");
      g.writeFieldId(2); // v
      g.writeNumber(1);
      g.writeFieldName("v");
      g.writeNumber(2);
      g.writeEndObject();
      g.writeEndArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(() -> codec.decode(112, out.toByteArray(), NOW)).isInstanceOfSatisfying(BadInput.class,
        e -> assertThat(e.getMessage()).contains("record[0]: field 'v' appears twice"));
  }

  @Test
  void extension_fields_are_ignored_unless_they_must_be_understood() throws Exception {
    List<SenmlRecord> rs = codec.decode(110, Packs.json("[{'bn':'dev-1:','bt':1795262000},{'n':'import','u':'kWh','v':1,'note':'x'}]"), NOW);
    assertThat(rs).singleElement().satisfies(r -> assertThat(r.name()).isEqualTo("dev-1:import"));
    assertThatThrownBy(() -> codec.decode(110, Packs.json("[{'n':'dev-1:import','u':'kWh','v':1,'note_':'x'}]"), NOW))
        .isInstanceOfSatisfying(BadInput.class, e -> assertThat(e.getMessage()).contains("record[0]: field 'note_' must be understood"));
    // a record with base fields and an extension is a record, not base fields only: it needs a value
    assertThatThrownBy(() -> codec.decode(110, Packs.json("[{'bn':'dev-1:import','note':'x'}]"), NOW))
        .isInstanceOfSatisfying(BadInput.class, e -> assertThat(e.getMessage()).contains("no value"));
  }
}
