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

  private static int freeUdpPort() throws java.io.IOException {
    try (var probe = new java.net.DatagramSocket(0, java.net.InetAddress.getByName("127.0.0.1"))) {
      return probe.getLocalPort();
    }
  }

  /** The first posts may go unanswered (records of a session the new gateway does not know); a later one must not. */
  private static void assertAnsweredAfterRestart(DeviceClient client, List<SimReading> pack) throws Exception {
    DeviceClient.Ack ack = client.post(pack).get(90, TimeUnit.SECONDS);
    for (int attempt = 0; !ack.success() && attempt < 3; attempt++) ack = client.post(pack).get(90, TimeUnit.SECONDS);
    assertThat(ack.success()).as("answer from the restarted gateway: " + ack).isTrue();
  }

  /** /commands, observable, answers valid for an hour: a device must not wait that long to find a restarted gateway. */
  private static final class Commands extends CoapResource {
    volatile String list = "[]";

    Commands() {
      super("commands");
      setObservable(true);
      add(new CoapResource("ack") {
        @Override
        public void handlePOST(CoapExchange exchange) {
          exchange.respond(CoAP.ResponseCode.CHANGED);
        }
      });
    }

    @Override
    public void handleGET(CoapExchange exchange) {
      exchange.setMaxAge(3600);
      exchange.respond(CoAP.ResponseCode.CONTENT, list, org.eclipse.californium.core.coap.MediaTypeRegistry.APPLICATION_JSON);
    }

    void post(String commandId) {
      list = "[{\"commandId\":\"" + commandId + "\",\"eventId\":\"e1\",\"action\":\"REDUCE\",\"requestedW\":500,"
          + "\"start\":1700000000000,\"end\":1700003600000}]";
      changed();
    }
  }

  @Test
  void a_device_observes_its_commands_again_on_a_restarted_gateway_long_before_max_age() throws Exception {
    int port = freeUdpPort();
    ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
    Commands firstCommands = new Commands();
    CoapServer first = server(port);
    first.add(firstCommands);
    CoapServer second = null;
    java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (DeviceClient client = new DeviceClient("d1", "psk-d1", PSK, new InetSocketAddress("127.0.0.1", port), FleetRunner.clientConfiguration(), executor)) {
      assertThat(client.observeCommands(c -> heard.add(c.commandId())).get(30, TimeUnit.SECONDS)).as("observing").isTrue();
      firstCommands.post("c1");
      io.onder.testkit.Await.until("c1 heard from the first gateway", java.time.Duration.ofSeconds(30), () -> heard.contains("c1"));
      first.destroy(); // a crash: every session and every observer is gone with the process
      Commands secondCommands = new Commands();
      second = server(port);
      second.add(secondCommands);
      List<SimReading> pack = List.of(new SimReading("d1", 1, 1_700_000_000_000L, 1_000, 0, 100, Double.NaN, "PV"));
      assertAnsweredAfterRestart(client, pack);
      io.onder.testkit.Await.until("the device observes the restarted gateway's commands", java.time.Duration.ofSeconds(30),
          () -> secondCommands.getObserverCount() == 1);
      secondCommands.post("c2");
      io.onder.testkit.Await.until("c2 heard from the restarted gateway", java.time.Duration.ofSeconds(30), () -> heard.contains("c2"));
      assertThat(heard).as("each command handed on once").containsExactly("c1", "c2");
    } finally {
      if (second != null) second.destroy();
      executor.shutdownNow();
    }
  }

  @Test
  void a_device_gets_through_to_a_restarted_gateway() throws Exception {
    int port = freeUdpPort();
    ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
    CoapServer first = server(port);
    CoapServer second = null;
    try (DeviceClient client = new DeviceClient("d1", "psk-d1", PSK, new InetSocketAddress("127.0.0.1", port), FleetRunner.clientConfiguration(), executor)) {
      List<SimReading> pack = List.of(new SimReading("d1", 1, 1_700_000_000_000L, 1_000, 0, 100, Double.NaN, "PV"));
      assertThat(client.post(pack).get(30, TimeUnit.SECONDS).success()).isTrue();
      first.destroy(); // a crash: every session is gone with the process
      second = server(port);
      assertAnsweredAfterRestart(client, pack);
    } finally {
      if (second != null) second.destroy();
      executor.shutdownNow();
    }
  }
}
