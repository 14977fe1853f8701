package dev.vigil.ingest.otlp;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The event id of a span: the same for every export of that span, so an exporter's retry is
 * stored once (the event log dedups by agent and id).
 *
 * <p>Shaped as a UUIDv7 like the ids the SDK sends: the span's time in milliseconds first, then
 * 74 bits of SHA-256 over trace id and span id where v7 has random bits. Time-ordered ids append
 * to the log's id index; hashed ids alone would scatter across it, which BENCHMARKS.md measured
 * to cut the insert rate several times over on a large log.
 */
final class SpanEventIds {
    /**
     * Never updated, only cloned: with its digest, a clone costs about half of a fresh
     * {@code getInstance} (92 against 167 ns warmed up), whose provider lookup a profile under
     * load showed as the larger part of making an id.
     */
    private static final MessageDigest SHA_256 = sha256();

    private SpanEventIds() {}

    static String of(ByteString traceId, ByteString spanId, long epochMillis) {
        MessageDigest sha256 = copy(SHA_256);
        sha256.update(traceId.asReadOnlyByteBuffer());
        sha256.update(spanId.asReadOnlyByteBuffer());
        ByteBuffer hash = ByteBuffer.wrap(sha256.digest());
        long high = (epochMillis << 16) | 0x7000L | (hash.getLong() & 0x0FFFL);
        long low = (hash.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    private static MessageDigest copy(MessageDigest prototype) {
        try {
            return (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException impossible) { // the JDK's SHA-256 is cloneable
            throw new IllegalStateException(impossible);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) { // every JDK has SHA-256
            throw new IllegalStateException(impossible);
        }
    }
}
