package io.onder.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test fixtures: SenML packs as JSON text, converted to CBOR by Jackson when a test needs CBOR. */
public final class Packs {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

  private Packs() {}

  /** Single quotes become double quotes, for readable fixtures. */
  public static byte[] json(String singleQuoted) {
    return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  /** The same pack in CBOR with text keys. */
  public static byte[] cbor(String singleQuoted) {
    try {
      JsonNode tree = JSON.readTree(json(singleQuoted));
      return CBOR.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A one-reading pack of {@code device} at {@code epochSeconds}. */
  public static String reading(String device, long seq, long epochSeconds, double importKwh, double exportKwh) {
    return "[{'bn':'" + device + ":','bt':" + epochSeconds + ",'n':'seq','v':" + seq + "},"
        + "{'n':'import','u':'kWh','v':" + importKwh + "},{'n':'export','u':'kWh','v':" + exportKwh + "},"
        + "{'n':'power','u':'W','v':420.5}]";
  }
}
