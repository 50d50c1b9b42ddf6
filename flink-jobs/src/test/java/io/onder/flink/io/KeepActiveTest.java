package io.onder.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class KeepActiveTest {
  @Test
  void records_and_watermarks_pass_and_an_idle_status_does_not() throws Exception {
    try (var h = new OneInputStreamOperatorTestHarness<String, String>(new KeepActive<>())) {
      h.open();
      h.processElement(new StreamRecord<>("a", 10));
      h.processWatermark(new Watermark(20));
      h.processWatermarkStatus(WatermarkStatus.IDLE);
      h.processWatermarkStatus(WatermarkStatus.ACTIVE);
      h.processElement(new StreamRecord<>("b", 30));
      h.processWatermark(new Watermark(40));

      List<String> out = new ArrayList<>();
      for (Object o : h.getOutput()) {
        if (o instanceof StreamRecord<?> r) out.add(r.getValue() + "@" + r.getTimestamp());
        else if (o instanceof Watermark w) out.add("wm " + w.getTimestamp());
        else out.add(String.valueOf(o));
      }
      assertThat(out).containsExactly("a@10", "wm 20", "b@30", "wm 40");
    }
  }
}
