package dev.vigil.config;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The JSON form of Vigil's records, for the API and the stored incident bodies alike: snake_case, ISO-8601 times. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {}

    /**
     * A plain mapper for what agents send (event bodies, OTLP JSON, JSON-valued span attributes):
     * nesting deeper than {@code maxNesting} fails while parsing, before a deep tree is built,
     * and so does anything after the first value.
     */
    public static ObjectMapper nestingBounded(int maxNesting) {
        return JsonMapper.builder(new JsonFactoryBuilder()
                        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxNesting).build())
                        .build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }
}
