package io.onder.flink.dr;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.avro.AckStatus;
import io.onder.avro.CommandAck;
import io.onder.avro.DrStatus;
import io.onder.avro.TargetKind;
import io.onder.flink.registry.RegistryHolder;
import java.time.Instant;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class RouteToRegionTest {
  @Test
  void every_target_and_every_device_interval_is_routed_to_its_region_and_an_unknown_target_aside() throws Exception {
    try (OneInputStreamOperatorTestHarness<DrInput, DrInput> h = ProcessFunctionTestHarnesses.forProcessFunction(
        new RouteToRegion(new RegistryHolder(RegistryHolder.fixed(DrFixtures.REGISTRY), 60_000)))) {
      h.processElement(new StreamRecord<>(DrInput.of(DrFixtures.event("a", TargetKind.FEEDER, "F2", 1, 1, 2, 1, DrStatus.ACTIVE))));
      h.processElement(new StreamRecord<>(DrInput.of(DrFixtures.event("b", TargetKind.SUBSTATION, "S1", 1, 1, 2, 1, DrStatus.ACTIVE))));
      h.processElement(new StreamRecord<>(DrInput.of(DrFixtures.event("c", TargetKind.REGION, "R1", 1, 1, 2, 1, DrStatus.ACTIVE))));
      h.processElement(new StreamRecord<>(DrInput.of(DrFixtures.event("d", TargetKind.FEEDER, "F9", 1, 1, 2, 1, DrStatus.ACTIVE))));
      h.processElement(new StreamRecord<>(DrInput.of(DrFixtures.energy("ev1", 0, 1))));
      assertThat(h.extractOutputValues()).extracting(r -> (r.event != null ? r.event.getEventId() : r.energy.getDeviceId()) + "@" + r.regionId)
          .containsExactly("a@R1", "b@R1", "c@R1", "ev1@R1");
      assertThat(h.getSideOutput(RouteToRegion.UNKNOWN_TARGET)).extracting(r -> r.getValue().getEventId()).containsExactly("d");
    }
  }

  @Test
  void an_answer_goes_to_its_devices_region_and_one_from_an_unknown_device_aside() throws Exception {
    try (OneInputStreamOperatorTestHarness<DrInput, DrInput> h = ProcessFunctionTestHarnesses.forProcessFunction(
        new RouteToRegion(new RegistryHolder(RegistryHolder.fixed(DrFixtures.REGISTRY), 60_000)))) {
      for (String device : new String[] {"hp1", "nobody"}) {
        h.processElement(new StreamRecord<>(DrInput.of(CommandAck.newBuilder().setCommandId("E1/" + device + "/0").setEventId("E1").setDeviceId(device)
            .setStatus(AckStatus.ACCEPTED).setAckedAt(Instant.ofEpochMilli(DrFixtures.T0)).build())));
      }
      assertThat(h.extractOutputValues()).extracting(r -> r.ack.getDeviceId() + "@" + r.regionId).containsExactly("hp1@R1");
      assertThat(h.getSideOutput(RouteToRegion.UNKNOWN_DEVICE_ACK)).extracting(r -> r.getValue().getDeviceId()).containsExactly("nobody");
    }
  }
}
