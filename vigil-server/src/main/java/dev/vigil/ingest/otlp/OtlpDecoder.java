package dev.vigil.ingest.otlp;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.vigil.ingest.IngestException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
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
     * @param maxNesting JSON nesting bound, as for {@code POST /v1/events}, for the message;
     *                   {@code nestingBounded} (from {@link dev.vigil.config.Json#nestingBounded}) enforces it
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

    /**
     * Parsed once into protobuf by {@link JsonFormat}, whose Gson tree is the only copy of the
     * body. Gson parses leniently and recursively, so a streaming pass (no tree) first holds the
     * body to strict JSON, the nesting bound and a single object.
     */
    private ExportTraceServiceRequest json(byte[] body) {
        if (isEmpty(body)) return ExportTraceServiceRequest.getDefaultInstance();
        ExportTraceServiceRequest.Builder builder = ExportTraceServiceRequest.newBuilder();
        try (Reader reader = new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8)) {
            JSON_PARSER.merge(reader, builder);
        } catch (IOException e) { // InvalidProtocolBufferException: reading a byte array fails no other way
            throw new IngestException(400, "body is not an OTLP ExportTraceServiceRequest in JSON: " + e.getMessage());
        }
        OtlpJsonIds.hexToBytes(builder);
        return builder.build();
    }

    /**
     * Checks the body is one strict JSON object within the nesting bound, without building it.
     *
     * @return true for a body without any JSON value, which asks for nothing, as an empty protobuf body does
     */
    private boolean isEmpty(byte[] body) {
        try (JsonParser parser = mapper.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) return true;
            if (first != JsonToken.START_OBJECT) {
                throw new IngestException(400, "body must be a JSON object: an OTLP ExportTraceServiceRequest");
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw new IngestException(400, "body is not valid JSON: more after the request object" + at(parser.currentLocation()));
            }
            return false;
        } catch (StreamConstraintsException e) {
            throw new IngestException(400, "body nests JSON deeper than the limit of " + maxNesting + " levels");
        } catch (JacksonException e) {
            throw new IngestException(400, "body is not valid JSON: " + e.getOriginalMessage() + at(e.getLocation()));
        } catch (IOException e) {
            throw new IngestException(400, "body could not be read: " + e.getMessage());
        }
    }

    private static String at(JsonLocation location) {
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
