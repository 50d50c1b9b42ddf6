package io.onder.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.simulator.model.SimReading;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.junit.jupiter.api.Test;

/**
 * A gateway that crashes forgets every DTLS session. A device whose request went unanswered must start a new
 * handshake with the restarted gateway, not keep sending records of a session nobody knows (real DTLS, loopback).
 */
class DeviceClientReconnectTest {
  private static final byte[] PSK = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private static CoapServer server(int port) {
    CoapServer s = StandInGateway.forD1(port, PSK);
    s.add(new CoapResource("readings") {
      @Override
      public void handlePOST(CoapExchange exchange) {
        exchange.respond(CoAP.ResponseCode.CHANGED);
      }
    });
    s.start();
    return s;
  }

  @Test
  void a_device_gets_through_to_a_restarted_gateway() throws Exception {
    int port;
    try (var probe = new java.net.DatagramSocket(0, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = probe.getLocalPort();
    }
    ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
    CoapServer first = server(port);
    CoapServer second = null;
    try (DeviceClient client = new DeviceClient("d1", "psk-d1", PSK, new InetSocketAddress("127.0.0.1", port), FleetRunner.clientConfiguration(), executor)) {
      List<SimReading> pack = List.of(new SimReading("d1", 1, 1_700_000_000_000L, 1_000, 0, 100, Double.NaN, "PV"));
      assertThat(client.post(pack).get(30, TimeUnit.SECONDS).success()).isTrue();
      first.destroy(); // a crash: every session is gone with the process
      second = server(port);
      DeviceClient.Ack ack = client.post(pack).get(90, TimeUnit.SECONDS);
      for (int attempt = 0; !ack.success() && attempt < 3; attempt++) ack = client.post(pack).get(90, TimeUnit.SECONDS);
      assertThat(ack.success()).as("answer from the restarted gateway: " + ack).isTrue();
    } finally {
      if (second != null) second.destroy();
      executor.shutdownNow();
    }
  }
}
