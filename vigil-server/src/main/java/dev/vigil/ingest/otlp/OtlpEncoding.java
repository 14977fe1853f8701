package dev.vigil.ingest.otlp;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.vigil.config.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The two OTLP/HTTP encodings. The answer to a request, success or error, is written in the
 * request's encoding, as OTLP/HTTP asks.
 */
public enum OtlpEncoding {
    PROTOBUF("application/x-protobuf"),
    JSON("application/json");

    private static final JsonFormat.Printer JSON_PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    private final String contentType;

    OtlpEncoding(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    /** The encoding a {@code Content-Type} names (parameters such as charset ignored), or null. */
    public static OtlpEncoding ofContentType(String header) {
        if (header == null) return null;
        String type = header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        for (OtlpEncoding e : values()) {
            if (e.contentType.equals(type)) return e;
        }
        return null;
    }

    public byte[] write(Message message) {
        if (this == PROTOBUF) return message.toByteArray();
        try {
            return JSON_PRINTER.print(message).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException impossible) { // only for Any fields, which OTLP answers lack
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * A {@code google.rpc.Status} {code, message}: the body OTLP/HTTP gives failed requests.
     * protobuf-java does not ship the class, and two fields are simpler to write than another
     * dependency to pull in.
     */
    public byte[] status(int grpcCode, String message) {
        if (this == JSON) {
            return Json.MAPPER.createObjectNode().put("code", grpcCode).put("message", message)
                    .toString().getBytes(StandardCharsets.UTF_8);
        }
        byte[] out = new byte[CodedOutputStream.computeInt32Size(1, grpcCode) + CodedOutputStream.computeStringSize(2, message)];
        CodedOutputStream stream = CodedOutputStream.newInstance(out);
        try {
            stream.writeInt32(1, grpcCode);
            stream.writeString(2, message);
            stream.checkNoSpaceLeft();
        } catch (IOException impossible) { // writing into an array of the computed size
            throw new UncheckedIOException(impossible);
        }
        return out;
    }
}
