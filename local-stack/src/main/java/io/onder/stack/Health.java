package io.onder.stack;

/** A server's answer to a real request (a CQL query, a metadata request, the REST overview, eth_chainId). */
public record Health(boolean ok, String detail) {
  public static Health up(String detail) {
    return new Health(true, detail);
  }

  public static Health down(String detail) {
    return new Health(false, detail);
  }
}
