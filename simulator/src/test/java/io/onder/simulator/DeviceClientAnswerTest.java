package io.onder.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.testkit.Await;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.junit.jupiter.api.Test;

/**
 * The pool pays a device only from its acceptance of a command, so a device must get its answer through: a gateway
 * that answers 5.03 (Kafka slow) gets the answer again, a 4.xx is final (real DTLS on loopback, a stand-in gateway).
 */
class DeviceClientAnswerTest {
  private static final byte[] PSK = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final String COMMANDS = "[{\"commandId\":\"E1/d1/0\",\"eventId\":\"E1\",\"action\":\"REDUCE\",\"requestedW\":1000,"
      + "\"start\":1700000000000,\"end\":1700003600000}]";

  /** A gateway with one command for d1, answering the first {@code unavailable} answers with {@code refusal}. */
  private static CoapServer gateway(int port, int unavailable, CoAP.ResponseCode refusal, List<String> answers) {
    CoapServer s = StandInGateway.forD1(port, PSK);
    CoapResource commands = new CoapResource("commands") {
      @Override
      public void handleGET(CoapExchange exchange) {
        exchange.respond(CoAP.ResponseCode.CONTENT, COMMANDS, MediaTypeRegistry.APPLICATION_JSON);
      }
    };
    commands.setObservable(true);
    AtomicInteger seen = new AtomicInteger();
    commands.add(new CoapResource("ack") {
      @Override
      public void handlePOST(CoapExchange exchange) {
        answers.add(exchange.getRequestText());
        exchange.respond(seen.incrementAndGet() <= unavailable ? refusal : CoAP.ResponseCode.CHANGED);
      }
    });
    s.add(commands);
    s.start();
    return s;
  }

  private static int freePort() throws Exception {
    try (var probe = new java.net.DatagramSocket(0, java.net.InetAddress.getByName("127.0.0.1"))) {
      return probe.getLocalPort();
    }
  }

  private static List<String> run(int unavailable, CoAP.ResponseCode refusal, int expectedAnswers) throws Exception {
    int port = freePort();
    List<String> answers = new CopyOnWriteArrayList<>();
    List<String> handed = new CopyOnWriteArrayList<>();
    ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
    CoapServer gateway = gateway(port, unavailable, refusal, answers);
    try (DeviceClient client = new DeviceClient("d1", "psk-d1", PSK, new InetSocketAddress("127.0.0.1", port), FleetRunner.clientConfiguration(), executor)) {
      client.observeCommands(cmd -> handed.add(cmd.commandId()));
      // until the gateway has the expected answers and the device has none left to send (a resend is in flight
      // from its 5.03 until the gateway takes it)
      Await.until("the answers settled", Duration.ofSeconds(30), () -> answers.size() >= expectedAnswers && client.answersInFlight() == 0);
      assertThat(answers).as("answers the gateway received").hasSize(expectedAnswers);
      assertThat(handed).as("the command reaches the device once").containsExactly("E1/d1/0");
      return answers;
    } finally {
      gateway.destroy();
      executor.shutdownNow();
    }
  }

  @Test
  void an_answer_refused_with_5_03_is_sent_again_until_the_gateway_takes_it() throws Exception {
    assertThat(run(2, CoAP.ResponseCode.SERVICE_UNAVAILABLE, 3)).allSatisfy(a -> assertThat(a)
        .isEqualTo("{\"commandId\":\"E1/d1/0\",\"status\":\"ACCEPTED\"}"));
  }

  @Test
  void an_answer_refused_with_4_xx_is_not_sent_again() throws Exception {
    assertThat(run(1, CoAP.ResponseCode.BAD_REQUEST, 1)).hasSize(1);
  }
}
