package io.onder.flink.quality;

import io.onder.flink.registry.Registry;
import io.onder.flink.registry.RegistryHolder;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Attaches each device's feeder from the registry; energy of a device the registry does not know goes aside. */
public class AssignFeeder extends ProcessFunction<DeviceEnergy, DeviceEnergy> {
  private static final long serialVersionUID = 1L;
  public static final OutputTag<DeviceEnergy> UNKNOWN_DEVICE = new OutputTag<>("unknown-device") {};
  private final RegistryHolder registry;
  private transient Counter unknown;

  public AssignFeeder(RegistryHolder registry) {
    this.registry = registry;
  }

  @Override
  public void close() throws Exception {
    registry.release(); // the last of the job's operators in this TaskManager to close drops the snapshot and its session
    super.close();
  }

  @Override
  public void open(OpenContext ctx) {
    registry.get(); // loaded here, not by the first record: a load takes seconds and would hold that record and every later one
    unknown = getRuntimeContext().getMetricGroup().counter("unknownDevices");
  }

  @Override
  public void processElement(DeviceEnergy e, Context ctx, Collector<DeviceEnergy> out) {
    Registry.Device d = registry.lookup(r -> r.device(e.deviceId));
    if (d == null || registry.get().feeder(d.feederId()) == null) {
      unknown.inc();
      ctx.output(UNKNOWN_DEVICE, e);
      return;
    }
    e.feederId = d.feederId();
    out.collect(e);
  }
}
