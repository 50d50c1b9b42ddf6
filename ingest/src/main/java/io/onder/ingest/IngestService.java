package io.onder.ingest;

import io.onder.ingest.metrics.Metrics;
import io.onder.ingest.senml.SenmlCodec;
import io.onder.ingest.senml.SenmlRecord;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The readings use case, free of CoAP and Kafka: decode, validate, drop repeats, publish, and report the outcome
 * once the sink has every reading. The number of requests waiting for the sink is bounded; past the bound, or
 * while the sink is failing, the answer is "overloaded, retry after" at once.
 */
public final class IngestService {
  /** The outcome of one request. */
  public record Outcome(Status status, int accepted, int duplicates, String diagnostic, BadInput.Kind refusal) {
    public enum Status { ACCEPTED, REFUSED, OVERLOADED }

    static Outcome refused(BadInput e) {
      return new Outcome(Status.REFUSED, 0, 0, e.diagnostic(), e.kind());
    }

    static Outcome overloaded(String why) {
      return new Outcome(Status.OVERLOADED, 0, 0, why, null);
    }
  }

  private final SenmlCodec codec;
  private final ReadingAssembler assembler;
  private final SequenceLedger ledger;
  private final ReadingSink sink;
  private final Clock clock;
  private final Semaphore inFlight;
  private final int maxInFlight;
  private final long backoffMillis;
  private final Metrics metrics;
  private final AtomicLong sinkFailingUntil = new AtomicLong();
  private java.util.concurrent.Executor completions = Runnable::run;

  /**
   * Where outcomes are completed (and so where the CoAP answer is encrypted and sent). Default: the sink's own
   * callback thread; the gateway passes a small pool so Kafka's I/O thread does not do the DTLS work.
   */
  public IngestService completeOn(java.util.concurrent.Executor executor) {
    this.completions = executor;
    return this;
  }

  public IngestService(SenmlCodec codec, ReadingAssembler assembler, SequenceLedger ledger, ReadingSink sink, Clock clock,
      int maxInFlightRequests, long backoffMillis, Metrics metrics) {
    this.codec = codec;
    this.assembler = assembler;
    this.ledger = ledger;
    this.sink = sink;
    this.clock = clock;
    this.inFlight = new Semaphore(maxInFlightRequests);
    this.maxInFlight = maxInFlightRequests;
    this.backoffMillis = backoffMillis;
    this.metrics = metrics;
    metrics.gauge("onder_ingest_in_flight_requests", "Requests waiting for Kafka", () -> maxInFlight - inFlight.availablePermits());
  }

  /** Validates without publishing: the readings a request would yield, or the refusal. */
  public List<Reading> validate(String deviceId, int contentFormat, byte[] payload) throws BadInput {
    List<SenmlRecord> records = codec.decode(contentFormat, payload, clock.millis());
    return assembler.assemble(deviceId, records);
  }

  public CompletableFuture<Outcome> submit(String deviceId, int contentFormat, byte[] payload) {
    List<Reading> readings;
    try {
      readings = validate(deviceId, contentFormat, payload);
    } catch (BadInput e) {
      metrics.count("onder_ingest_requests_total", "outcome", "refused", "reason", e.reason());
      return CompletableFuture.completedFuture(Outcome.refused(e));
    }
    if (clock.millis() < sinkFailingUntil.get()) {
      metrics.count("onder_ingest_requests_total", "outcome", "overloaded", "reason", "kafka_unavailable");
      return CompletableFuture.completedFuture(Outcome.overloaded("Kafka is unavailable"));
    }
    if (!inFlight.tryAcquire()) {
      metrics.count("onder_ingest_requests_total", "outcome", "overloaded", "reason", "in_flight_limit");
      return CompletableFuture.completedFuture(Outcome.overloaded("too many requests in flight"));
    }
    SequenceLedger.Reservation res = ledger.reserve(deviceId, readings);
    if (res.refusal() != null) {
      inFlight.release();
      metrics.count("onder_ingest_requests_total", "outcome", "refused", "reason", "register_decreasing");
      return CompletableFuture.completedFuture(Outcome.refused(BadInput.bad("register_decreasing", res.refusal())));
    }
    if (res.busy()) {
      inFlight.release();
      metrics.count("onder_ingest_requests_total", "outcome", "overloaded", "reason", "same_seq_in_flight");
      return CompletableFuture.completedFuture(Outcome.overloaded("a reading with the same seq is still being stored"));
    }
    if (res.fresh().isEmpty()) {
      inFlight.release();
      metrics.count("onder_ingest_requests_total", "outcome", "accepted", "reason", "all_duplicates");
      metrics.add("onder_ingest_readings_total", res.duplicates(), "outcome", "duplicate");
      return CompletableFuture.completedFuture(new Outcome(Outcome.Status.ACCEPTED, 0, res.duplicates(), null, null));
    }
    long t0 = System.nanoTime();
    CompletableFuture<Void> stored;
    try {
      stored = sink.publish(res.fresh());
    } catch (RuntimeException e) {
      stored = CompletableFuture.failedFuture(e);
    }
    return stored.handleAsync((ok, err) -> {
      inFlight.release();
      metrics.observe("onder_ingest_kafka_ack_seconds", (System.nanoTime() - t0) / 1e9);
      if (err != null) {
        ledger.release(deviceId, res.fresh());
        sinkFailingUntil.set(clock.millis() + backoffMillis);
        metrics.count("onder_ingest_requests_total", "outcome", "overloaded", "reason", "kafka_failed");
        return Outcome.overloaded("Kafka did not acknowledge");
      }
      ledger.commit(deviceId, res.fresh());
      metrics.count("onder_ingest_requests_total", "outcome", "accepted", "reason", "ok");
      metrics.add("onder_ingest_readings_total", res.fresh().size(), "outcome", "accepted");
      if (res.duplicates() > 0) metrics.add("onder_ingest_readings_total", res.duplicates(), "outcome", "duplicate");
      return new Outcome(Outcome.Status.ACCEPTED, res.fresh().size(), res.duplicates(), null, null);
    }, completions);
  }
}
