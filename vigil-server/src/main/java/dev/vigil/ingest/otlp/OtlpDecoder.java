package dev.vigil.ingest.otlp;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.vigil.ingest.IngestException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP request body to an {@link ExportTraceServiceRequest}: gzip or not, protobuf or
 * JSON. Every failure is an {@link IngestException} refusing the whole request: 400 for a body
 * that is not what it claims to be, 413 past the size bound, 415 for an unknown content coding.
 */
final class OtlpDecoder {
    private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser().ignoringUnknownFields();

    private final long maxBytes;
    private final int maxNesting;
    private final ObjectMapper mapper;

    /**
     * @param maxBytes   bound on the body after decompression too, so a small gzip bomb cannot
     *                   expand past what an uncompressed request may carry
     * @param maxNesting JSON nesting bound, as for {@code POST /v1/events}; {@code nestingBounded} enforces it
     */
    OtlpDecoder(long maxBytes, int maxNesting, ObjectMapper nestingBounded) {
        this.maxBytes = maxBytes;
        this.maxNesting = maxNesting;
        this.mapper = nestingBounded;
    }

    ExportTraceServiceRequest decode(byte[] body, OtlpEncoding encoding, String contentEncoding) {
        byte[] plain = decompress(body, contentEncoding);
        return encoding == OtlpEncoding.PROTOBUF ? protobuf(plain) : json(plain);
    }

    private byte[] decompress(byte[] body, String contentEncoding) {
        String coding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        switch (coding) {
            case "", "identity" -> {
                return body;
            }
            case "gzip", "x-gzip" -> {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    byte[] plain = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                    if (plain.length > maxBytes) {
                        throw new IngestException(413, "body larger than the limit of " + maxBytes
                                + " bytes (ingest.max_body_bytes) once decompressed; export smaller batches");
                    }
                    return plain;
                } catch (IOException e) {
                    throw new IngestException(400, "body is not valid gzip (Content-Encoding: gzip): " + e.getMessage());
                }
            }
            default -> throw new IngestException(415, "Content-Encoding '" + contentEncoding + "' is not supported; send gzip or no encoding");
        }
    }

    private static ExportTraceServiceRequest protobuf(byte[] body) {
        try {
            return ExportTraceServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new IngestException(400, "body is not an OTLP ExportTraceServiceRequest in protobuf: " + e.getMessage());
        }
    }

    private ExportTraceServiceRequest json(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new IngestException(400, "body nests JSON deeper than the limit of " + maxNesting + " levels");
        } catch (JacksonException e) {
            throw new IngestException(400, "body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new IngestException(400, "body could not be read: " + e.getMessage());
        }
        if (!(root instanceof ObjectNode request)) {
            throw new IngestException(400, "body must be a JSON object: an OTLP ExportTraceServiceRequest");
        }
        hexIdsToBase64(request);
        ExportTraceServiceRequest.Builder builder = ExportTraceServiceRequest.newBuilder();
        try {
            JSON_PARSER.merge(request.toString(), builder);
        } catch (InvalidProtocolBufferException e) {
            throw new IngestException(400, "body is not an OTLP ExportTraceServiceRequest in JSON: " + e.getMessage());
        }
        return builder.build();
    }

    /**
     * OTLP JSON writes trace and span ids as hex, where the standard protobuf JSON mapping that
     * {@link JsonFormat} implements expects base64 for bytes. Hex digits are valid base64 too, so
     * without this rewrite the ids would parse without error into the wrong bytes.
     */
    private static void hexIdsToBase64(ObjectNode request) {
        for (JsonNode resourceSpans : request.path("resourceSpans")) {
            for (JsonNode scopeSpans : resourceSpans.path("scopeSpans")) {
                for (JsonNode span : scopeSpans.path("spans")) {
                    rewrite(span, "traceId");
                    rewrite(span, "spanId");
                    rewrite(span, "parentSpanId");
                    for (JsonNode link : span.path("links")) {
                        rewrite(link, "traceId");
                        rewrite(link, "spanId");
                    }
                }
            }
        }
    }

    private static void rewrite(JsonNode holder, String field) {
        if (!(holder instanceof ObjectNode object) || !object.path(field).isTextual()) return;
        String hex = object.get(field).textValue();
        try {
            object.put(field, Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex)));
        } catch (IllegalArgumentException e) {
            throw new IngestException(400, field + " '" + abbreviate(hex) + "' is not hex; OTLP JSON writes ids as hex digits");
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
