package io.onder.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaCompatibilityTest {
  static final Path CURRENT = Path.of("src/main/avro/io/onder/avro");
  static final Path RELEASED = Path.of("released/0.1.0");

  @Test
  void current_schemas_read_everything_the_last_release_wrote() {
    Map<String, Schema> released = SchemaEvolution.parseFolder(RELEASED);
    Map<String, Schema> current = SchemaEvolution.parseFolder(CURRENT);
    assertThat(released).isNotEmpty();
    assertThat(SchemaEvolution.backwardProblems(released, current)).isEmpty();
  }

  @Test
  void adding_a_field_without_default_is_refused(@TempDir Path dir) throws Exception {
    copyAll(CURRENT, dir);
    Path reading = dir.resolve("DeviceReading.avsc");
    Files.writeString(reading, Files.readString(reading)
        .replace("{\"name\":\"seq\"", "{\"name\":\"firmware\",\"type\":\"string\"},\n  {\"name\":\"seq\""));
    var problems = SchemaEvolution.backwardProblems(SchemaEvolution.parseFolder(RELEASED), SchemaEvolution.parseFolder(dir));
    assertThat(problems).singleElement().asString()
        .contains("io.onder.avro.DeviceReading").contains("READER_FIELD_MISSING_DEFAULT").contains("firmware");
  }

  @Test
  void adding_an_optional_field_with_default_is_accepted(@TempDir Path dir) throws Exception {
    copyAll(CURRENT, dir);
    Path reading = dir.resolve("DeviceReading.avsc");
    Files.writeString(reading, Files.readString(reading)
        .replace("{\"name\":\"seq\"", "{\"name\":\"firmware\",\"type\":[\"null\",\"string\"],\"default\":null},\n  {\"name\":\"seq\""));
    assertThat(SchemaEvolution.backwardProblems(SchemaEvolution.parseFolder(RELEASED), SchemaEvolution.parseFolder(dir))).isEmpty();
  }

  @Test
  void removing_a_symbol_from_an_enum_without_default_is_refused(@TempDir Path dir) throws Exception {
    copyAll(CURRENT, dir);
    Path src = dir.resolve("DrEvent.avsc");
    Files.writeString(src, Files.readString(src).replace("\"SUBSTATION\",", ""));
    assertThat(SchemaEvolution.backwardProblems(SchemaEvolution.parseFolder(RELEASED), SchemaEvolution.parseFolder(dir)))
        .anySatisfy(p -> assertThat(p).contains("io.onder.avro.DrEvent").contains("MISSING_ENUM_SYMBOLS"));
  }

  @Test
  void removing_a_symbol_from_an_enum_with_a_default_is_accepted(@TempDir Path dir) throws Exception {
    copyAll(CURRENT, dir);
    Path src = dir.resolve("EnergySource.avsc");
    Files.writeString(src, Files.readString(src).replace("\"DIESEL\",", ""));
    assertThat(SchemaEvolution.backwardProblems(SchemaEvolution.parseFolder(RELEASED), SchemaEvolution.parseFolder(dir))).isEmpty();
  }

  @Test
  void a_released_record_cannot_disappear(@TempDir Path dir) throws Exception {
    copyAll(CURRENT, dir);
    Files.delete(dir.resolve("SettlementReceipt.avsc"));
    assertThat(SchemaEvolution.backwardProblems(SchemaEvolution.parseFolder(RELEASED), SchemaEvolution.parseFolder(dir)))
        .containsExactly("io.onder.avro.SettlementReceipt: removed, but released data uses it");
  }

  private static void copyAll(Path from, Path to) throws Exception {
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
    }
  }
}
