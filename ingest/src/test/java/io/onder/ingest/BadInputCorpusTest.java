package io.onder.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.ingest.metrics.Metrics;
import io.onder.ingest.senml.SenmlCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BadInputCorpusTest {
  static final long NOW_S = 1_795_262_400L;
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW_S), ZoneOffset.UTC);

  static Stream<BadInputCorpus.Case> corpus() {
    return BadInputCorpus.all(NOW_S, 512).stream();
  }

  @Test
  void the_corpus_has_at_least_a_hundred_cases() {
    assertThat(corpus().count()).isGreaterThanOrEqualTo(100);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void is_refused_with_its_4xx_and_nothing_is_published(BadInputCorpus.Case c) {
    List<List<Reading>> published = new ArrayList<>();
    IngestService s = service(r -> {
      published.add(r);
      return CompletableFuture.completedFuture(null);
    });
    IngestService.Outcome o = s.submit(BadInputCorpus.DEVICE, c.format(), c.payload()).join();
    assertThat(o.status()).as(c.label()).isEqualTo(IngestService.Outcome.Status.REFUSED);
    assertThat(o.refusal()).as(c.label() + ": " + o.diagnostic()).isEqualTo(c.expected());
    assertThat(o.diagnostic()).isNotBlank();
    assertThat(published).isEmpty();
  }

  static IngestService service(ReadingSink sink) {
    return new IngestService(new SenmlCodec(512), new ReadingAssembler(CLOCK, Duration.ofSeconds(60), Duration.ofDays(7)),
        new SequenceLedger(4096), sink, CLOCK, 16, 2000, new Metrics());
  }
}
