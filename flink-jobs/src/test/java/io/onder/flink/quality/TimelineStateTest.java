package io.onder.flink.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.rules.Reading;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class TimelineStateTest {
  static final TimelineState.Serializer SER = TimelineState.Serializer.INSTANCE;

  static TimelineState sample() {
    TimelineState s = new TimelineState();
    s.energy.accept(new Reading(1, 1_000, 10L, 0L, false));
    s.energy.accept(new Reading(2, 61_000, 70L, 5L, false));
    s.energy.accept(new Reading(3, 121_000, 4L, 9L, true)); // a meter reset
    s.energy.forgetBefore(61_000); // pruned: the first point goes
    s.nextInterval = 60_000;
    s.emittedAny = true;
    s.idleTimer = 7_200_000;
    s.lastSource = "PV";
    s.lastSoc = 42.5;
    return s;
  }

  static byte[] bytes(TimelineState s) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(64);
    SER.serialize(s, out);
    return out.getCopyOfBuffer();
  }

  @Test
  void a_written_state_reads_back_equal_point_by_point() throws Exception {
    TimelineState s = sample();
    TimelineState back = SER.deserialize(new DataInputDeserializer(bytes(s)));
    assertThat(back.energy.imports().points()).isEqualTo(s.energy.imports().points()).hasSize(2);
    assertThat(back.energy.exports().points()).isEqualTo(s.energy.exports().points());
    assertThat(back.energy.imports().pruned()).isTrue();
    assertThat(back.energy.between(61_000, 121_000)).isEqualTo(s.energy.between(61_000, 121_000)).isPresent();
    assertThat(back.nextInterval).isEqualTo(60_000);
    assertThat(back.emittedAny).isTrue();
    assertThat(back.idleTimer).isEqualTo(7_200_000);
    assertThat(back.lastSource).isEqualTo("PV");
    assertThat(back.lastSoc).isEqualTo(42.5);
    assertThat(bytes(back)).isEqualTo(bytes(s));
  }

  @Test
  void a_copy_is_independent_of_its_original() throws Exception {
    TimelineState s = sample();
    byte[] before = bytes(s);
    TimelineState c = SER.copy(s);
    c.energy.accept(new Reading(4, 181_000, 20L, 12L, false));
    c.nextInterval = 120_000;
    c.lastSource = "BATTERY";
    assertThat(bytes(s)).as("the original after the copy changed").isEqualTo(before);
    assertThat(c.energy.imports().points()).hasSize(s.energy.imports().points().size() + 1);
  }

  @Test
  void the_serializer_restored_from_its_snapshot_reads_the_same_layout() throws Exception {
    TypeSerializerSnapshot<TimelineState> snap = SER.snapshotConfiguration();
    DataOutputSerializer out = new DataOutputSerializer(64);
    snap.writeSnapshot(out);
    TimelineState.Snapshot restored = new TimelineState.Snapshot();
    restored.readSnapshot(snap.getCurrentVersion(), new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
    TypeSerializerSchemaCompatibility<TimelineState> compat = SER.snapshotConfiguration().resolveSchemaCompatibility(restored);
    assertThat(compat.isCompatibleAsIs()).isTrue();
    assertThat(restored.restoreSerializer().deserialize(new DataInputDeserializer(bytes(sample()))).energy.imports().points())
        .isEqualTo(sample().energy.imports().points());
  }
}
