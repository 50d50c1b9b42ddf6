package io.onder.ingest;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where accepted readings go (Kafka in production). Completes only when every reading is durably stored. */
public interface ReadingSink {
  CompletableFuture<Void> publish(List<Reading> readings);
}
