package io.onder.flink.dr;

/**
 * A row of {@code dr_command_ack}: a commanded device's answer in one event, or UNANSWERED when it had none within
 * the timeout ({@code ackedAtMillis} then {@link Long#MIN_VALUE}, written as null). A Flink POJO.
 */
public class CommandAnswerRow {
  public String eventId;
  public String deviceId;
  public String commandId;
  public String status;
  public String reason;
  public long ackedAtMillis = Long.MIN_VALUE;

  public CommandAnswerRow() {}

  public CommandAnswerRow(String eventId, String deviceId, String commandId, String status, String reason, long ackedAtMillis) {
    this.eventId = eventId;
    this.deviceId = deviceId;
    this.commandId = commandId;
    this.status = status;
    this.reason = reason;
    this.ackedAtMillis = ackedAtMillis;
  }

  @Override
  public String toString() {
    return eventId + " " + deviceId + " " + status;
  }
}
