package io.onder.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.ingest.IngestService.Outcome.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class IngestServiceTest {
  static final long NOW_S = BadInputCorpusTest.NOW_S;
  final List<Reading> published = new ArrayList<>();
  final List<CompletableFuture<Void>> pendingAcks = new ArrayList<>();
  boolean holdAcks;

  final IngestService service = BadInputCorpusTest.service(rs -> {
    published.addAll(rs);
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (holdAcks) pendingAcks.add(f);
    else f.complete(null);
    return f;
  });

  IngestService.Outcome post(String pack) {
    return service.submit("dev-a", 110, Packs.json(pack)).join();
  }

  @Test
  void one_reading_per_time_with_every_field_converted() {
    IngestService.Outcome o = post("[{'bn':'urn:dev:onder:dev-a:','bt':" + NOW_S + ",'n':'seq','v':7,'t':-60},"
        + "{'n':'import','u':'kWh','v':1.234567,'t':-60},{'n':'export','u':'Wh','v':250,'t':-60},{'n':'power','u':'kW','v':-1.5,'t':-60},"
        + "{'n':'seq','v':8},{'n':'soc','u':'%','v':55},{'n':'voltage','u':'V','v':231.2},{'n':'frequency','u':'Hz','v':49.98},"
        + "{'n':'src','vs':'battery'},{'n':'import','u':'kWh','v':1.3},{'n':'reset','vb':false}]");
    assertThat(o.status()).isEqualTo(Status.ACCEPTED);
    assertThat(o.accepted()).isEqualTo(2);
    assertThat(published).containsExactly(
        new Reading("dev-a", 7, (NOW_S - 60) * 1000, 1_234_567L, 250_000L, false, -1500.0, null, null, null, null),
        new Reading("dev-a", 8, NOW_S * 1000, 1_300_000L, null, false, null, 55.0, 231.2, 49.98, "battery"));
  }

  @Test
  void a_repeated_seq_is_acknowledged_and_dropped() {
    assertThat(post(Packs.reading("dev-a", 1, NOW_S - 10, 1, 0)).accepted()).isEqualTo(1);
    IngestService.Outcome again = post(Packs.reading("dev-a", 1, NOW_S - 10, 1, 0));
    assertThat(again.status()).isEqualTo(Status.ACCEPTED);
    assertThat(again.duplicates()).isEqualTo(1);
    assertThat(again.accepted()).isZero();
    assertThat(published).hasSize(1);
  }

  @Test
  void a_pack_mixing_repeats_and_new_readings_publishes_only_the_new() {
    post(Packs.reading("dev-a", 1, NOW_S - 20, 1, 0));
    IngestService.Outcome o = post("[{'bt':" + NOW_S + ",'n':'seq','v':1,'t':-20},{'n':'import','u':'kWh','v':1,'t':-20},"
        + "{'n':'seq','v':2,'t':-10},{'n':'import','u':'kWh','v':2,'t':-10}]");
    assertThat(o.accepted()).isEqualTo(1);
    assertThat(o.duplicates()).isEqualTo(1);
    assertThat(published).extracting(Reading::seq).containsExactly(1L, 2L);
  }

  @Test
  void a_register_below_the_last_acknowledged_is_refused_unless_the_meter_was_reset() {
    post(Packs.reading("dev-a", 1, NOW_S - 20, 5, 1));
    IngestService.Outcome lower = post(Packs.reading("dev-a", 2, NOW_S - 10, 4, 1));
    assertThat(lower.status()).isEqualTo(Status.REFUSED);
    assertThat(lower.diagnostic()).contains("seq 2").contains("import register decreases");
    IngestService.Outcome reset = post("[{'bt':" + (NOW_S - 10) + ",'n':'seq','v':2},{'n':'import','u':'kWh','v':0.1},"
        + "{'n':'export','u':'kWh','v':0},{'n':'reset','vb':true}]");
    assertThat(reset.status()).isEqualTo(Status.ACCEPTED);
    assertThat(published).extracting(Reading::meterReset).containsExactly(false, true);
    assertThat(post(Packs.reading("dev-a", 3, NOW_S - 5, 0.2, 0)).status()).isEqualTo(Status.ACCEPTED);
  }

  @Test
  void when_the_sink_fails_the_answer_is_overloaded_and_the_same_readings_can_be_sent_again() {
    holdAcks = true;
    CompletableFuture<IngestService.Outcome> first = service.submit("dev-a", 110, Packs.json(Packs.reading("dev-a", 1, NOW_S - 10, 1, 0)));
    assertThat(first).isNotDone();
    // the same seq while the first is still on its way: retry later, not "duplicate"
    assertThat(post(Packs.reading("dev-a", 1, NOW_S - 10, 1, 0)).status()).isEqualTo(Status.OVERLOADED);
    pendingAcks.get(0).completeExceptionally(new RuntimeException("broker down"));
    assertThat(first.join().status()).isEqualTo(Status.OVERLOADED);
  }

  @Test
  void after_a_failure_requests_are_turned_away_at_once_for_the_backoff() {
    holdAcks = true;
    CompletableFuture<IngestService.Outcome> first = service.submit("dev-a", 110, Packs.json(Packs.reading("dev-a", 1, NOW_S - 10, 1, 0)));
    pendingAcks.get(0).completeExceptionally(new RuntimeException("broker down"));
    first.join();
    int before = published.size();
    // the fixed clock never leaves the backoff window
    assertThat(post(Packs.reading("dev-a", 1, NOW_S - 10, 1, 0)).status()).isEqualTo(Status.OVERLOADED);
    assertThat(published).hasSize(before);
  }

  @Test
  void in_flight_requests_are_bounded() {
    holdAcks = true;
    for (int i = 0; i < 16; i++) {
      assertThat(service.submit("dev-a", 110, Packs.json(Packs.reading("dev-a", i, NOW_S - 10, i, 0)))).isNotDone();
    }
    assertThat(post(Packs.reading("dev-a", 99, NOW_S - 10, 99, 0)).status()).isEqualTo(Status.OVERLOADED);
    pendingAcks.forEach(f -> f.complete(null));
    holdAcks = false;
    assertThat(post(Packs.reading("dev-a", 100, NOW_S - 5, 100, 0)).status()).isEqualTo(Status.ACCEPTED);
  }
}
