package io.onder.simulator;

import java.net.InetSocketAddress;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;

/** A CoAP server over real DTLS on 127.0.0.1 that knows device d1's key: the tests add resources, then start it. */
final class StandInGateway {
  private StandInGateway() {}

  static CoapServer forD1(int port, byte[] psk) {
    Configuration c = FleetRunner.clientConfiguration();
    c.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY);
    DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(c).setAddress(new InetSocketAddress("127.0.0.1", port))
        .setAdvancedPskStore(new AdvancedSinglePskStore("psk-d1", psk)).build();
    CoapServer s = new CoapServer(c);
    s.addEndpoint(new CoapEndpoint.Builder().setConnector(new DTLSConnector(dtls)).setConfiguration(c).build());
    return s;
  }
}
