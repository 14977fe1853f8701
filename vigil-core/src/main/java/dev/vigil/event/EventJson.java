package dev.vigil.event;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The stored form of an event: the wire format of DESIGN §3 with every default filled in
 * ({@code id}, {@code ts}) plus {@code received_at}, and {@code clamped: true} when the
 * timestamp was moved. Written field by field rather than through data binding because this
 * runs once per ingested event.
 */
public final class EventJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private EventJson() {}

    /** Reads stored events back: they were checked when accepted, so only the time limits are lifted. */
    private static final EventParser STORED = new EventParser(java.time.Clock.systemUTC(),
            EventLimits.defaults().withTime(java.time.Duration.ofDays(36500), java.time.Duration.ofDays(36500)));

    /** The event a stored form holds, as it was when accepted (detection on the log after a restart). */
    public static Event read(String stored) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode body = (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.readTree(stored);
            java.time.Instant arrival = java.time.Instant.parse(body.remove("received_at").textValue());
            boolean clamped = body.remove("clamped") != null;
            Event e = STORED.parse(body, arrival);
            return clamped ? e.clampedCopy() : e;
        } catch (IOException | InvalidEventException | RuntimeException e) {
            throw new IllegalArgumentException("not a stored event: " + e.getMessage(), e);
        }
    }

    /** The stored form as UTF-8, the encoding the event log keeps. */
    public static byte[] toUtf8(Event e) {
        ByteArrayBuilder out = new ByteArrayBuilder(384);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.setCodec(MAPPER);
            write(e, g);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return out.toByteArray();
    }

    public static String toJson(Event e) {
        StringWriter out = new StringWriter(384);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setCodec(MAPPER);
            write(e, g);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return out.toString();
    }

    public static void write(Event e, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", e.id());
        g.writeStringField("ts", e.ts().toString());
        g.writeStringField("received_at", e.receivedAt().toString());
        if (e.clamped()) g.writeBooleanField("clamped", true);
        g.writeStringField("agent", e.agent());
        text(g, "run", e.run());
        text(g, "task", e.task());
        g.writeStringField("kind", e.kind().wire());
        if (e.status() != null) g.writeStringField("status", e.status().wire());
        text(g, "tool", e.tool());
        if (e.params() != null) g.writeObjectField("params", e.params());
        text(g, "model", e.model());
        number(g, "temperature", e.temperature());
        if (e.tokens() != null) {
            g.writeObjectFieldStart("tokens");
            g.writeNumberField("input", e.tokens().input());
            g.writeNumberField("output", e.tokens().output());
            g.writeEndObject();
        }
        number(g, "cost_usd", e.costUsd());
        number(g, "latency_ms", e.latencyMs());
        number(g, "quality", e.quality());
        if (e.error() != null) {
            g.writeObjectFieldStart("error");
            text(g, "type", e.error().type());
            text(g, "message", e.error().message());
            g.writeEndObject();
        }
        if (!e.flags().isEmpty()) {
            g.writeArrayFieldStart("flags");
            for (String flag : e.flags()) g.writeString(flag);
            g.writeEndArray();
        }
        text(g, "directive", e.directive());
        if (e.attrs() != null) g.writeObjectField("attrs", e.attrs());
        g.writeEndObject();
    }

    private static void text(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) g.writeStringField(name, value);
    }

    private static void number(JsonGenerator g, String name, Double value) throws IOException {
        if (value == null) return;
        // Whole numbers stay whole on the way back out (latency_ms: 840, not 840.0).
        if (value == Math.rint(value) && Math.abs(value) < 1e15) g.writeNumberField(name, value.longValue());
        else g.writeNumberField(name, value);
    }
}
