package io.onder.ingest.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.exception.ConnectorException;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;

/**
 * One device's CoAP client of the gateway: over DTLS with its PSK, or (development only) plain CoAP naming itself
 * with {@code ?d=}. Used by the simulator, the benchmark and the tests. Not thread-safe per request flow; one
 * endpoint (one DTLS session) per device.
 */
public final class DeviceClient implements AutoCloseable {
  static {
    CoapConfig.register();
    UdpConfig.register();
    DtlsConfig.register();
  }

  private final String base;
  private final String query;
  private final CoapEndpoint endpoint;
  private final CoapClient client;

  private DeviceClient(String base, String query, CoapEndpoint endpoint, long timeoutMillis, ScheduledThreadPoolExecutor threads) {
    this.base = base;
    this.query = query;
    this.endpoint = endpoint;
    if (threads != null) endpoint.setExecutors(threads, threads); // before the client starts the endpoint
    this.client = new CoapClient().setEndpoint(endpoint).setTimeout(timeoutMillis);
    if (threads != null) client.setExecutors(threads, threads, true);
  }

  /** A DTLS (PSK) client; the key array is not kept. */
  public static DeviceClient dtls(String host, int port, String pskIdentity, byte[] psk, long timeoutMillis) {
    return dtls(host, port, pskIdentity, psk, timeoutMillis, null);
  }

  /**
   * As {@link #dtls(String, int, String, byte[], long)}, its CoAP and DTLS stages run on {@code threads}, which many
   * clients share (each client otherwise starts threads of its own for each stage: about five, plus its receiver).
   */
  public static DeviceClient dtls(String host, int port, String pskIdentity, byte[] psk, long timeoutMillis, ScheduledThreadPoolExecutor threads) {
    Configuration cf = baseConfig(threads);
    DTLSConnector connector = new DTLSConnector(new DtlsConnectorConfig.Builder(cf)
        .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
        .setAddress(new InetSocketAddress(host, 0))
        .setAdvancedPskStore(new AdvancedSinglePskStore(pskIdentity, psk))
        .build());
    if (threads != null) connector.setExecutor(threads);
    CoapEndpoint ep = new CoapEndpoint.Builder().setConfiguration(cf).setConnector(connector).build();
    return new DeviceClient("coaps://" + host + ":" + port, "", ep, timeoutMillis, threads);
  }

  /** A DTLS client authenticating with its raw public key (RFC 7250) and pinning the gateway's. */
  public static DeviceClient rpk(String host, int port, java.security.KeyPair own, java.security.PublicKey gateway, long timeoutMillis) {
    Configuration cf = baseConfig(null);
    DtlsConnectorConfig dtls = new DtlsConnectorConfig.Builder(cf)
        .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
        .setAddress(new InetSocketAddress(host, 0))
        .setCertificateIdentityProvider(new org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider(own.getPrivate(), own.getPublic()))
        .setAdvancedCertificateVerifier(org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier.builder()
            .setTrustedRPKs(new org.eclipse.californium.elements.auth.RawPublicKeyIdentity(gateway)).build())
        .build();
    CoapEndpoint ep = new CoapEndpoint.Builder().setConfiguration(cf).setConnector(new DTLSConnector(dtls)).build();
    return new DeviceClient("coaps://" + host + ":" + port, "", ep, timeoutMillis, null);
  }

  /** UNSAFE, development only: plain CoAP, the device names itself. */
  public static DeviceClient plain(String host, int port, String deviceId, long timeoutMillis) {
    return plain(host, port, deviceId, timeoutMillis, null);
  }

  /** As {@link #plain(String, int, String, long)}, its CoAP stages on the shared {@code threads}. */
  public static DeviceClient plain(String host, int port, String deviceId, long timeoutMillis, ScheduledThreadPoolExecutor threads) {
    Configuration cf = baseConfig(threads);
    CoapEndpoint ep = new CoapEndpoint.Builder().setConfiguration(cf).setInetSocketAddress(new InetSocketAddress(host, 0)).build();
    return new DeviceClient("coap://" + host + ":" + port, "?d=" + deviceId, ep, timeoutMillis, threads);
  }

  /** With shared {@code threads}, the socket keeps one receiving thread (and, plain, one sending) of its own. */
  private static Configuration baseConfig(ScheduledThreadPoolExecutor threads) {
    Configuration cf = Configuration.createStandardWithoutFile();
    cf.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 2);
    cf.set(CoapConfig.MAX_RETRANSMIT, 3);
    if (threads != null) {
      cf.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
      cf.set(UdpConfig.UDP_RECEIVER_THREAD_COUNT, 1);
      cf.set(UdpConfig.UDP_SENDER_THREAD_COUNT, 1);
    }
    return cf;
  }

  /** POSTs a SenML pack; null when no response came in time (or the DTLS handshake failed). */
  public CoapResponse postReadings(byte[] payload, int contentFormat) {
    return call(Request.newPost(), "/readings", payload, contentFormat);
  }

  public CoapResponse ackCommand(String json) {
    return call(Request.newPost(), "/commands/ack", json.getBytes(java.nio.charset.StandardCharsets.UTF_8), MediaTypeRegistry.APPLICATION_JSON);
  }

  public CoapResponse getCommands(String extraQuery) {
    client.setURI(base + "/commands" + query + (extraQuery == null ? "" : (query.isEmpty() ? "?" : "&") + extraQuery));
    try {
      return client.get();
    } catch (ConnectorException | IOException e) {
      return null;
    }
  }

  public CoapObserveRelation observeCommands(CoapHandler handler) {
    client.setURI(base + "/commands" + query);
    return client.observe(handler);
  }

  private CoapResponse call(Request r, String path, byte[] payload, int format) {
    client.setURI(base + path + query);
    r.setPayload(payload);
    r.getOptions().setContentFormat(format);
    try {
      return client.advanced(r);
    } catch (ConnectorException | IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    client.shutdown();
    endpoint.destroy();
  }
}
