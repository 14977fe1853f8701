package dev.vigil.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import dev.vigil.time.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads {@code vigil.yaml} strictly: an unknown key or a value of the wrong type stops the
 * server with a message naming the key and its line, because a silently ignored typo in an
 * incident-response config is discovered only during the incident.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .addModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer()))
            .build();

    /** The offending scalar as Jackson quotes it in a type mismatch: {@code String value ("x")}, {@code Number value (5)}. */
    private static final Pattern GIVEN_VALUE = Pattern.compile("(?:String|Number|Integer|Boolean|Floating-point) value \\([\"']?([^\"')]*)[\"']?\\)");

    private ConfigLoader() {}

    public static VigilConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    public static VigilConfig parse(String source, String yaml) {
        return parse(source, yaml, System.getenv());
    }

    /** @param env for {@code ${VAR}} references, which may stand anywhere a value does (secrets) */
    public static VigilConfig parse(String source, String yaml, Map<String, String> env) {
        yaml = substitute(source, yaml, env);
        if (yaml.isBlank()) return VigilConfig.defaults();
        try {
            VigilConfig config = YAML.readValue(yaml, VigilConfig.class);
            return config == null ? VigilConfig.defaults() : config;
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new ConfigException(where(source, yaml, e) + "unknown key '" + path(e) + "'"
                    + (known.isEmpty() ? "" : " (known keys here: " + known + ")"));
        } catch (MismatchedInputException e) {
            Matcher value = GIVEN_VALUE.matcher(e.getOriginalMessage());
            String got = e instanceof InvalidFormatException f && f.getValue() != null ? ", got '" + f.getValue() + "'"
                    : value.find() ? ", got '" + value.group(1) + "'" : "";
            throw new ConfigException(where(source, yaml, e) + "key '" + path(e) + "': expected " + expected(e.getTargetType()) + got);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof StreamReadException syntax) {
                throw new ConfigException(source + ": not valid YAML: " + firstLine(syntax.getMessage()));
            }
            String reason = e.getCause() instanceof IllegalArgumentException iae ? iae.getMessage() : e.getOriginalMessage();
            String key = path(e);
            throw new ConfigException(where(source, yaml, e) + (key.isEmpty() ? "" : "key '" + key + "': ") + firstLine(reason));
        } catch (IOException e) {
            throw new ConfigException(source + ": not valid YAML: " + firstLine(e.getMessage()));
        }
    }

    /**
     * Reads one section that its owner types itself (a channel's settings, by the integration of
     * its type) as strictly as the rest of the file.
     *
     * @param path the section's place in the file, such as {@code channels.pager}, for messages
     */
    public static <T> T read(String path, JsonNode section, Class<T> type) {
        try {
            return YAML.treeToValue(section, type);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new ConfigException(path + "." + path(e) + ": unknown key" + (known.isEmpty() ? "" : " (known keys here: " + known + ")"));
        } catch (MismatchedInputException e) {
            throw new ConfigException(path + "." + path(e) + ": expected " + expected(e.getTargetType()));
        } catch (JsonMappingException e) {
            String reason = e.getCause() instanceof IllegalArgumentException iae ? iae.getMessage() : e.getOriginalMessage();
            throw new ConfigException(path + (path(e).isEmpty() ? "" : "." + path(e)) + ": " + firstLine(reason));
        } catch (IOException e) {
            throw new ConfigException(path + ": " + firstLine(e.getMessage()));
        }
    }

    /**
     * "file line N: ", with N the line of the failing key. Jackson's own location points past the
     * value it was reading (the next line, or the end of the file), so the key is found again by
     * walking the document to the same path.
     */
    private static String where(String source, String yaml, JsonMappingException e) {
        JsonPointer target = pointer(e);
        try (JsonParser p = YAML.getFactory().createParser(yaml)) {
            for (JsonToken t; (t = p.nextToken()) != null; ) {
                if (t == JsonToken.FIELD_NAME && p.getParsingContext().pathAsPointer().equals(target)) {
                    return source + " line " + p.currentTokenLocation().getLineNr() + ": ";
                }
            }
        } catch (IOException ignored) {
            // fall back to Jackson's location below
        }
        JsonLocation loc = e.getLocation();
        return loc == null ? source + ": " : source + " line " + loc.getLineNr() + ": ";
    }

    private static JsonPointer pointer(JsonMappingException e) {
        JsonPointer pointer = JsonPointer.empty();
        for (JsonMappingException.Reference ref : e.getPath()) {
            pointer = ref.getFieldName() != null ? pointer.appendProperty(ref.getFieldName()) : pointer.appendIndex(ref.getIndex());
        }
        return pointer;
    }

    /** The dotted YAML path of the failing key, e.g. {@code ingest.agent_rate.burst} or {@code auth.keys[1].role}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) path.append('.');
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /** Replaces {@code ${VAR}} with the variable's value; an unset variable is an error with its line. */
    private static String substitute(String source, String yaml, Map<String, String> env) {
        StringBuilder out = new StringBuilder(yaml.length());
        String[] lines = yaml.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) out.append('\n');
            String line = lines[i];
            if (line.stripLeading().startsWith("#")) {
                out.append(line);
                continue;
            }
            Matcher m = REFERENCE.matcher(line);
            while (m.find()) {
                String value = env.get(m.group(1));
                if (value == null) {
                    throw new ConfigException(source + " line " + (i + 1) + ": environment variable " + m.group(1) + " is not set");
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
        }
        return out.toString();
    }

    /** What a value of this type looks like in YAML, in an operator's words. */
    private static String expected(Class<?> type) {
        if (type == null) return "another kind of value";
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) return "a whole number";
        if (type == Double.class || type == double.class) return "a number";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == String.class || type == java.nio.file.Path.class) return "a string";
        if (type == Duration.class) return "a duration such as 30s, 5m, 1h or 7d";
        if (java.util.Collection.class.isAssignableFrom(type)) return "a list";
        if (type.isRecord()) return "a section of keys and values";
        return "a " + type.getSimpleName();
    }

    private static String firstLine(String message) {
        if (message == null) return "invalid value";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static final class DurationDeserializer extends StdScalarDeserializer<Duration> {
        DurationDeserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (!p.currentToken().isScalarValue()) {
                return (Duration) ctx.handleUnexpectedToken(Duration.class, p);
            }
            try {
                return Durations.parse(p.getText());
            } catch (IllegalArgumentException e) {
                throw JsonMappingException.from(p, e.getMessage(), e);
            }
        }
    }
}
