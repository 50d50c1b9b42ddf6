package io.onder.flink.quality;

import io.onder.rules.IntervalEnergy;
import io.onder.rules.RegisterTimeline;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A device's register timelines and interval progress as Flink keyed state. The domain timelines are the state
 * itself, written by a serializer of their own ({@link Serializer}): a reading changes them in place, with no copy into
 * and out of arrays, which cost a device's whole kept history per reading (and a backlog keeps much of it).
 */
public final class TimelineState {
  public final IntervalEnergy energy;
  /** Start of the next interval this device will emit; Long.MIN_VALUE before the first. */
  public long nextInterval = Long.MIN_VALUE;
  /** Whether an interval was emitted: until then an earlier reading may still move the first interval back. */
  public boolean emittedAny;
  /** When the device's one idle timer fires; Long.MIN_VALUE while none is set. */
  public long idleTimer = Long.MIN_VALUE;
  public String lastSource = "UNKNOWN";
  public double lastSoc = Double.NaN;

  public TimelineState() {
    this(new IntervalEnergy());
  }

  TimelineState(IntervalEnergy energy) {
    this.energy = energy;
  }

  /** The time of the latest reading of either register; Long.MIN_VALUE with none. */
  public long lastReadingMillis() {
    return Math.max(energy.imports().lastTime().orElse(Long.MIN_VALUE), energy.exports().lastTime().orElse(Long.MIN_VALUE));
  }

  /** Writes the timelines point by point; versioned through {@link Snapshot} so a savepoint stays readable. */
  public static final class Serializer extends TypeSerializer<TimelineState> {
    private static final long serialVersionUID = 1L;
    public static final Serializer INSTANCE = new Serializer();

    @Override
    public boolean isImmutableType() {
      return false;
    }

    @Override
    public TypeSerializer<TimelineState> duplicate() {
      return this; // stateless
    }

    @Override
    public TimelineState createInstance() {
      return new TimelineState();
    }

    @Override
    public TimelineState copy(TimelineState from) {
      // points are immutable records: new lists of the same points are a deep copy
      TimelineState c = new TimelineState(new IntervalEnergy(copy(from.energy.imports()), copy(from.energy.exports())));
      c.nextInterval = from.nextInterval;
      c.emittedAny = from.emittedAny;
      c.idleTimer = from.idleTimer;
      c.lastSource = from.lastSource;
      c.lastSoc = from.lastSoc;
      return c;
    }

    private static RegisterTimeline copy(RegisterTimeline t) {
      return RegisterTimeline.restore(t.points(), t.pruned());
    }

    @Override
    public TimelineState copy(TimelineState from, TimelineState reuse) {
      return copy(from);
    }

    @Override
    public int getLength() {
      return -1;
    }

    @Override
    public void serialize(TimelineState s, DataOutputView out) throws IOException {
      write(s.energy.imports(), out);
      write(s.energy.exports(), out);
      out.writeLong(s.nextInterval);
      out.writeBoolean(s.emittedAny);
      out.writeLong(s.idleTimer);
      out.writeUTF(s.lastSource);
      out.writeDouble(s.lastSoc);
    }

    private static void write(RegisterTimeline t, DataOutputView out) throws IOException {
      List<RegisterTimeline.Point> points = t.points();
      out.writeBoolean(t.pruned());
      out.writeInt(points.size());
      for (RegisterTimeline.Point p : points) {
        out.writeLong(p.timeMillis());
        out.writeLong(p.seq());
        out.writeLong(p.raw());
        out.writeBoolean(p.reset());
        out.writeLong(p.continued());
      }
    }

    @Override
    public TimelineState deserialize(DataInputView in) throws IOException {
      RegisterTimeline imports = read(in);
      RegisterTimeline exports = read(in);
      TimelineState s = new TimelineState(new IntervalEnergy(imports, exports));
      s.nextInterval = in.readLong();
      s.emittedAny = in.readBoolean();
      s.idleTimer = in.readLong();
      s.lastSource = in.readUTF();
      s.lastSoc = in.readDouble();
      return s;
    }

    private static RegisterTimeline read(DataInputView in) throws IOException {
      boolean pruned = in.readBoolean();
      int n = in.readInt();
      List<RegisterTimeline.Point> points = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        points.add(new RegisterTimeline.Point(in.readLong(), in.readLong(), in.readLong(), in.readBoolean(), in.readLong()));
      }
      return RegisterTimeline.restore(points, pruned);
    }

    @Override
    public TimelineState deserialize(TimelineState reuse, DataInputView in) throws IOException {
      return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
      serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Serializer;
    }

    @Override
    public int hashCode() {
      return Serializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<TimelineState> snapshotConfiguration() {
      return new Snapshot();
    }
  }

  /** The serializer's snapshot in savepoints: version 1 is the layout above. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<TimelineState> {
    public Snapshot() {
      super(() -> Serializer.INSTANCE);
    }
  }
}
