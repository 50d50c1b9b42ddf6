package io.onder.ingest.commands;

import io.onder.avro.AckStatus;
import io.onder.avro.CommandAck;
import io.onder.ingest.BadInput;
import io.onder.schemas.AvroSerde;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/** A device's answer to one of its own commands, published as a {@link CommandAck} keyed by device. */
public final class CommandAcks {
  /** Publishes one encoded record; completes when Kafka has it. */
  public interface Publisher {
    CompletableFuture<Void> send(String topic, String key, byte[] value);
  }

  private static final AvroSerde<CommandAck> SERDE = AvroSerde.of(CommandAck.class);

  private final CommandBook book;
  private final Publisher publisher;
  private final String topic;
  private final Clock clock;

  public CommandAcks(CommandBook book, Publisher publisher, String topic, Clock clock) {
    this.book = book;
    this.publisher = publisher;
    this.topic = topic;
    this.clock = clock;
  }

  public CompletableFuture<Void> ack(String deviceId, String commandId, String status, String reason) throws BadInput {
    Command c = book.find(deviceId, commandId)
        .orElseThrow(() -> new BadInput(BadInput.Kind.NOT_FOUND, "unknown_command", "no active command " + clip(commandId) + " for this device"));
    AckStatus s;
    try {
      s = AckStatus.valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw BadInput.bad("status", "status is ACCEPTED, REJECTED or COMPLETED");
    }
    if (reason != null && reason.length() > 256) throw BadInput.bad("reason", "reason is at most 256 characters");
    CommandAck ack = CommandAck.newBuilder().setCommandId(c.commandId()).setEventId(c.eventId()).setDeviceId(deviceId)
        .setStatus(s).setReason(reason).setAckedAt(Instant.ofEpochMilli(clock.millis())).build();
    return publisher.send(topic, deviceId, SERDE.encode(ack));
  }

  private static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
