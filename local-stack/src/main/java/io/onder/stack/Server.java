package io.onder.stack;

/** The real servers of the local stack, in the order they are reported. */
public enum Server {
  KAFKA("kafka"),
  CASSANDRA("cassandra"),
  FLINK("flink"),
  ANVIL("anvil");

  public final String id;

  Server(String id) {
    this.id = id;
  }
}
