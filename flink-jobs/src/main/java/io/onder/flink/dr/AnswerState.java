package io.onder.flink.dr;

import io.onder.rules.CommandAnswers;

/**
 * A device's latest answer to its command in one event, as Flink keyed state (a POJO of scalars). Kept apart from
 * {@link EventDeviceState} because an answer can reach the operator before the watermark reaches the command's own
 * time (when the job catches up), i.e. before the command is issued in this run.
 */
public class AnswerState {
  public String commandId;
  /** ACCEPTED, REJECTED or COMPLETED. */
  public String status;
  public long repliedAtMillis;
  /**
   * When the device first took this command (ACCEPTED or COMPLETED), kept when it refuses later; Long.MAX_VALUE while
   * it has not: its delivery is verified and paid from then on ({@link CommandAnswers#paidFrom}).
   */
  public long acceptedAtMillis = Long.MAX_VALUE;

  public AnswerState() {}

  public CommandAnswers.Reply reply() {
    return CommandAnswers.Reply.valueOf(status);
  }
}
