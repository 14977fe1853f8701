package dev.vigil.sdk;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a batch as the JSON array {@code POST /v1/events} takes (DESIGN §3), each event with the
 * id it was given when drained from the buffer. Runs on the sender thread only; not thread-safe.
 */
final class EventJson {
    /** A batch ready to post: the body and, in body order, the events it holds. */
    record Batch(byte[] body, List<OutgoingEvent> events) {}

    /** Reports an event that could not be written (a value Jackson cannot serialize) and is left out. */
    interface Unwritable {
        void skipped(EventRecord event, Throwable why);
    }

    private final ObjectMapper mapper;
    private final Body out = new Body();

    EventJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The mapper for events and answers: an opaque object in params becomes {}, not a lost batch. */
    static ObjectMapper mapper() {
        return JsonMapper.builder().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();
    }

    Batch write(List<OutgoingEvent> events, Unwritable unwritable) {
        out.reset();
        out.write('[');
        List<OutgoingEvent> written = new ArrayList<>(events.size());
        for (OutgoingEvent e : events) {
            int mark = out.size();
            if (!written.isEmpty()) out.write(',');
            try (JsonGenerator g = mapper.createGenerator(out)) {
                write(g, e);
                written.add(e);
            } catch (IOException | RuntimeException | StackOverflowError failure) { // a cycle in params must not kill the sender
                out.truncate(mark); // the generator flushed what it had on close
                unwritable.skipped(e.event(), failure);
            }
        }
        out.write(']');
        return new Batch(out.toByteArray(), written);
    }

    private static void write(JsonGenerator g, OutgoingEvent outgoing) throws IOException {
        EventRecord e = outgoing.event();
        g.writeStartObject();
        g.writeStringField("id", outgoing.id());
        g.writeStringField("ts", Instant.ofEpochMilli(e.tsMillis()).toString());
        g.writeStringField("agent", e.agent());
        text(g, "run", e.run());
        text(g, "task", e.task());
        g.writeStringField("kind", e.kind());
        text(g, "status", e.status());
        text(g, "tool", e.tool());
        text(g, "model", e.model());
        if (e.params() != null) g.writeObjectField("params", e.params());
        number(g, "temperature", e.temperature());
        if (e.inputTokens() >= 0) {
            g.writeObjectFieldStart("tokens");
            g.writeNumberField("input", e.inputTokens());
            g.writeNumberField("output", e.outputTokens());
            g.writeEndObject();
        }
        number(g, "cost_usd", e.costUsd());
        number(g, "latency_ms", e.latencyMs());
        number(g, "quality", e.quality());
        if (e.errorType() != null) {
            g.writeObjectFieldStart("error");
            g.writeStringField("type", e.errorType());
            text(g, "message", e.errorMessage());
            g.writeEndObject();
        }
        if (e.flags() != null) g.writeObjectField("flags", e.flags());
        text(g, "directive", e.directive());
        if (e.attrs() != null) g.writeObjectField("attrs", e.attrs());
        g.writeEndObject();
    }

    private static void text(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) g.writeStringField(field, value);
    }

    private static void number(JsonGenerator g, String field, double value) throws IOException {
        if (!Double.isNaN(value)) g.writeNumberField(field, value);
    }

    /** A byte buffer that can forget what was written after a mark. */
    private static final class Body extends ByteArrayOutputStream {
        Body() {
            super(64 * 1024);
        }

        void truncate(int size) {
            count = size;
        }
    }
}
