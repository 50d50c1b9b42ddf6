package io.onder.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.onder.ingest.dr.DrEventRequest;
import io.onder.ingest.dr.Topology;
import io.onder.ingest.dr.UtilityTokens;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DrEventRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
  private static final Topology TOPOLOGY = (level, id) -> switch (level) {
    case FEEDER -> id.equals("feeder-1");
    case SUBSTATION -> id.equals("sub-1");
    case REGION -> id.equals("region-1");
  };

  private static String event(String type, String target, String start, String duration, String load, String kw, String price) {
    return ("{'targets':[{'type':'" + type + "','values':['" + target + "']}],'intervalPeriod':{'start':'" + start + "','duration':'"
        + duration + "'},'intervals':[{'id':0,'payloads':[{'type':'" + load + "','values':[" + kw + "]},{'type':'PRICE','values':["
        + price + "]}]}]}").replace('\'', '"');
  }

  private static DrEventRequest parse(String json) throws Exception {
    return DrEventRequest.parse(JSON.readTree(json), TOPOLOGY, CLOCK);
  }

  @Test
  void a_valid_event_converts_kw_to_watts_and_duration_to_an_end() throws Exception {
    DrEventRequest r = parse(event("SUBSTATION", "sub-1", "2026-11-21T17:00:00Z", "PT90M", "INCREASE_LOAD_KW", "12.345", "900"));
    assertThat(r.targetLevel()).isEqualTo(Topology.Level.SUBSTATION);
    assertThat(r.reduce()).isFalse();
    assertThat(r.targetW()).isEqualTo(12_345L);
    assertThat(r.end()).isEqualTo(Instant.parse("2026-11-21T18:30:00Z"));
    assertThat(r.rate()).isEqualTo(900L);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown feeder       | FEEDER     | feeder-2 | 2026-11-21T17:00:00Z | PT1H  | REDUCE_LOAD_KW   | 10   | 100",
      "unknown substation   | SUBSTATION | sub-9    | 2026-11-21T17:00:00Z | PT1H  | REDUCE_LOAD_KW   | 10   | 100",
      "feeder id as region  | REGION     | feeder-1 | 2026-11-21T17:00:00Z | PT1H  | REDUCE_LOAD_KW   | 10   | 100",
      "unknown target type  | BUILDING   | feeder-1 | 2026-11-21T17:00:00Z | PT1H  | REDUCE_LOAD_KW   | 10   | 100",
      "end before start     | FEEDER     | feeder-1 | 2026-11-21T17:00:00Z | -PT1H | REDUCE_LOAD_KW   | 10   | 100",
      "zero duration        | FEEDER     | feeder-1 | 2026-11-21T17:00:00Z | PT0S  | REDUCE_LOAD_KW   | 10   | 100",
      "over a week          | FEEDER     | feeder-1 | 2026-11-21T17:00:00Z | P8D   | REDUCE_LOAD_KW   | 10   | 100",
      "ended already        | FEEDER     | feeder-1 | 2026-11-20T17:00:00Z | PT1H  | REDUCE_LOAD_KW   | 10   | 100",
      "start not a time     | FEEDER     | feeder-1 | tomorrow             | PT1H  | REDUCE_LOAD_KW   | 10   | 100",
      "duration not ISO     | FEEDER     | feeder-1 | 2026-11-21T17:00:00Z | 1h    | REDUCE_LOAD_KW   | 10   | 100",
      "negative kW          | FEEDER     | feeder-1 | 2026-11-21T17:00:00Z | PT1H  | REDUCE_LOAD_KW   | -10  | 100",
      "zero kW              | FEEDER     | feeder-1 | 2026-11-21T17:00:00Z | PT1H  | INCREASE_LOAD_KW | 0    | 100",
      "sub-watt kW          | FEEDER     | feeder-1 | 2026-11-21T17:00:00Z | PT1H  | INCREASE_LOAD_KW | 0.0001 | 100",
      "unknown payload type | FEEDER     | feeder-1 | 2026-11-21T17:00:00Z | PT1H  | SHED_KW          | 10   | 100",
      "fractional rate      | FEEDER     | feeder-1 | 2026-11-21T17:00:00Z | PT1H  | REDUCE_LOAD_KW   | 10   | 1.5",
      "rate 1.0 is no integer | FEEDER   | feeder-1 | 2026-11-21T17:00:00Z | PT1H  | REDUCE_LOAD_KW   | 10   | 1.0",
      "negative rate        | FEEDER     | feeder-1 | 2026-11-21T17:00:00Z | PT1H  | REDUCE_LOAD_KW   | 10   | -1",
      "rate beyond a long   | FEEDER     | feeder-1 | 2026-11-21T17:00:00Z | PT1H  | REDUCE_LOAD_KW   | 10   | 99999999999999999999",
  })
  void an_invalid_event_is_refused_with_a_reason(String label, String type, String target, String start, String duration, String load,
      String kw, String price) {
    assertThatThrownBy(() -> parse(event(type, target, start, duration, load, kw, price)))
        .as(label).isInstanceOf(DrEventRequest.Invalid.class).hasMessageMatching(".+");
  }

  @Test
  void tokens_are_matched_by_digest_and_unknown_ones_are_not() {
    byte[] raw = new byte[24];
    new java.security.SecureRandom().nextBytes(raw);
    String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Properties p = new Properties();
    p.setProperty("utility.gridco.token-sha256", UtilityTokens.sha256Hex(token));
    UtilityTokens t = new UtilityTokens(p);
    assertThat(t.utility(token)).contains("gridco");
    assertThat(t.utility(token + "x")).isEmpty();
    assertThat(t.utility(token.substring(1))).isEmpty();
    assertThat(t.utility("")).isEmpty();
    assertThat(t.utility(null)).isEmpty();
  }
}
