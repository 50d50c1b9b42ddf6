package io.onder.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Checks that the current schemas can read everything the last released schemas wrote (backward compatibility),
 * which is what lets consumers be upgraded before producers.
 */
public final class SchemaEvolution {
  private SchemaEvolution() {}

  /** Parses every .avsc in a folder, resolving references between them whatever the file order. */
  public static Map<String, Schema> parseFolder(Path dir) {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = new ArrayList<>(s.filter(p -> p.toString().endsWith(".avsc")).sorted(Comparator.comparing(Path::toString)).toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> texts = new ArrayList<>();
    for (Path f : files) {
      try {
        texts.add(Files.readString(f));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    // A file that names a type defined in another fails until that one is parsed first: find an order that works,
    // each attempt with a fresh parser so a failed attempt leaves nothing half-registered.
    List<String> ordered = new ArrayList<>();
    while (!texts.isEmpty()) {
      String next = null;
      RuntimeException last = null;
      for (String candidate : texts) {
        try {
          Schema.Parser probe = new Schema.Parser();
          for (String t : ordered) probe.parse(t);
          probe.parse(candidate);
          next = candidate;
          break;
        } catch (RuntimeException e) {
          last = e;
        }
      }
      if (next == null) throw new IllegalArgumentException("cannot parse the schemas of " + dir, last);
      ordered.add(next);
      texts.remove(next);
    }
    Schema.Parser parser = new Schema.Parser();
    Map<String, Schema> out = new TreeMap<>();
    for (String t : ordered) {
      Schema schema = parser.parse(t);
      out.put(schema.getFullName(), schema);
    }
    return out;
  }

  /** Problems found reading data written with {@code released} using {@code current}; empty when compatible. */
  public static List<String> backwardProblems(Map<String, Schema> released, Map<String, Schema> current) {
    List<String> problems = new ArrayList<>();
    released.forEach((name, writer) -> {
      Schema reader = current.get(name);
      if (reader == null) {
        problems.add(name + ": removed, but released data uses it");
        return;
      }
      SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
      result.getResult().getIncompatibilities().forEach(i ->
          problems.add(name + ": " + i.getType() + " at " + i.getLocation() + ": " + i.getMessage()));
    });
    return problems;
  }
}
