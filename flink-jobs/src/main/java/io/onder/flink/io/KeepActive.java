package io.onder.flink.io;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Passes records and watermarks on but never an idle status: put after a keyed operator whose output feeds another
 * key (chained, it costs no exchange).
 *
 * <p>Idleness is for sources, where one reader's partitions can be empty while another's have data. After a keyBy
 * every subtask reads every source subtask, so the subtasks of a keyed operator see the same watermarks and go idle
 * together; forwarding their idle status adds nothing but a race. When they come back, one subtask with nothing to
 * emit can reactivate downstream and move its watermark before a busy subtask, still firing the timers that the same
 * watermark triggered, has reactivated its own channel. Its output then arrives behind the downstream watermark, and
 * timers registered for it wait for a watermark that may never come. Kept active, every channel holds the downstream
 * watermark until its own watermark arrives, after the output it triggered.
 */
public final class KeepActive<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {
  private static final long serialVersionUID = 1L;

  /** {@code stream}, chained through a KeepActive. */
  public static <T> DataStream<T> of(DataStream<T> stream, String name) {
    TypeInformation<T> type = stream.getType();
    return stream.transform(name, type, new KeepActive<T>()).uid(name);
  }

  @Override
  public void processElement(StreamRecord<T> element) {
    output.collect(element);
  }

  @Override
  public void processWatermarkStatus(WatermarkStatus status) {
    // dropped: see the class comment
  }
}
