package io.onder.flink.dr;

import io.onder.avro.CommandAck;
import io.onder.avro.DrEvent;
import io.onder.flink.registry.Registry;
import io.onder.flink.registry.RegistryHolder;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sets the region of each input: a device interval carries it; a DR event's target (feeder, substation or region)
 * is looked up in the topology. An event whose target the registry does not know goes to a side output, so a typo
 * in a utility's request is visible rather than silently dispatched nowhere. A device's answer to a command goes to
 * the device's region (from the registry); one from a device the registry does not know goes to a side output. Stateless.
 */
public class RouteToRegion extends ProcessFunction<DrInput, DrInput> {
  private static final long serialVersionUID = 1L;
  public static final OutputTag<DrEvent> UNKNOWN_TARGET = new OutputTag<>("unknown-dr-target") {};
  public static final OutputTag<CommandAck> UNKNOWN_DEVICE_ACK = new OutputTag<>("unknown-device-ack") {};
  private final RegistryHolder registry;

  public RouteToRegion(RegistryHolder registry) {
    this.registry = registry;
  }

  @Override
  public void close() throws Exception {
    registry.release(); // the last of the job's operators in this TaskManager to close drops the snapshot and its session
    super.close();
  }

  @Override
  public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
    registry.get(); // loaded here, not by the first record: a load takes seconds and would hold that record and every later one
  }

  @Override
  public void processElement(DrInput in, Context ctx, Collector<DrInput> out) {
    if (in.energy != null) {
      in.regionId = in.energy.getRegionId();
    } else if (in.ack != null) {
      String device = in.ack.getDeviceId();
      Registry.Device d = registry.lookup(r -> r.device(device));
      if (d == null) {
        ctx.output(UNKNOWN_DEVICE_ACK, in.ack);
        return;
      }
      in.regionId = d.regionId();
    } else {
      in.regionId = regionOf(in.event);
      if (in.regionId == null) {
        ctx.output(UNKNOWN_TARGET, in.event);
        return;
      }
    }
    out.collect(in);
  }

  String regionOf(DrEvent e) {
    String target = e.getTargetId();
    switch (e.getTargetKind()) {
      case REGION:
        return target;
      case FEEDER: {
        Registry.Feeder f = registry.lookup(r -> r.feeder(target));
        return f == null ? null : f.regionId();
      }
      default:
        return registry.lookup(r -> r.feeders().values().stream().filter(f -> target.equals(f.substationId()))
            .map(Registry.Feeder::regionId).findFirst().orElse(null));
    }
  }
}
