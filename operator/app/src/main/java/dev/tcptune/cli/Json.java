package dev.tcptune.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tcptune.kernel.catalog.KernelVersion;
import java.io.IOException;
import java.time.Duration;

/** The JSON form of command output: stable, indented. */
final class Json {

  /** Durations as ISO-8601 text. */
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  /**
   * {@code explain -o json}: durations as seconds with millisecond precision (what people compare
   * with a measurement or feed to jq), kernel versions as text.
   */
  static final ObjectMapper EXPLAIN =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(
              new SimpleModule("explain")
                  .addSerializer(Duration.class, new SecondsSerializer())
                  .addSerializer(KernelVersion.class, ToStringSerializer.instance))
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private Json() {}

  private static final class SecondsSerializer extends StdSerializer<Duration> {
    SecondsSerializer() {
      super(Duration.class);
    }

    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeNumber(value.toMillis() / 1000.0);
    }
  }
}
