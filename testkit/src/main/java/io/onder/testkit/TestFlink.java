package io.onder.testkit;

import io.onder.stack.FlinkCluster;

/** The real Flink session cluster (JobManager + one TaskManager). */
public final class TestFlink {
  private final FlinkCluster cluster;

  TestFlink(FlinkCluster cluster) {
    this.cluster = cluster;
  }

  public String restUrl() {
    return cluster.restUrl();
  }

  public FlinkCluster cluster() {
    return cluster;
  }
}
