package io.onder.flink.quality;

import io.onder.avro.FeederIntervalState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per substation: gathers the states of its feeders for each interval and sends them on together, each marked with
 * how many there are ({@code substationFeeders}). Keyed by substation, right after {@link FeederIntervalFunction}.
 *
 * <p>A feeder's interval is computed when the watermark reaches its end plus the grace, and its state is emitted
 * before that watermark travels on; so when the same watermark reaches this operator, every feeder state of the
 * interval is here. The substation's interval is therefore complete in the same job, by the watermark of the
 * readings, and a reader in another job (the network fees) settles it when it holds that many states — whatever
 * the order and timing in which the Kafka topic between the jobs delivers them.
 */
public class SubstationIntervals extends KeyedProcessFunction<String, FeederIntervalState, FeederIntervalState> {
  private static final long serialVersionUID = 1L;
  private final long intervalMillis;
  private final long graceMillis;
  private transient MapState<String, FeederIntervalState> waiting;

  public SubstationIntervals(long intervalMillis, long graceMillis) {
    this.intervalMillis = intervalMillis;
    this.graceMillis = graceMillis;
  }

  @Override
  public void open(OpenContext ctx) {
    waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("feeders", Types.STRING, new AvroTypeInfo<>(FeederIntervalState.class)));
  }

  @Override
  public void processElement(FeederIntervalState f, Context ctx, Collector<FeederIntervalState> out) throws Exception {
    waiting.put(f.getIntervalStart().toEpochMilli() + "/" + f.getFeederId(), f);
    ctx.timerService().registerEventTimeTimer(f.getIntervalEnd().toEpochMilli() + graceMillis);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<FeederIntervalState> out) throws Exception {
    long start = timestamp - graceMillis - intervalMillis;
    List<FeederIntervalState> feeders = new ArrayList<>();
    Iterator<Map.Entry<String, FeederIntervalState>> it = waiting.iterator();
    while (it.hasNext()) {
      FeederIntervalState f = it.next().getValue();
      if (f.getIntervalStart().toEpochMilli() == start) feeders.add(f);
    }
    feeders.sort(Comparator.comparing(f -> f.getFeederId().toString()));
    for (FeederIntervalState f : feeders) {
      waiting.remove(start + "/" + f.getFeederId());
      f.setSubstationFeeders(feeders.size());
      out.collect(f);
    }
  }
}
