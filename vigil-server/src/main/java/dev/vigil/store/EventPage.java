package dev.vigil.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One page of stored events, newest first.
 *
 * @param bodies     each event's stored JSON, verbatim
 * @param nextCursor null on the last page
 */
public record EventPage(List<String> bodies, Cursor nextCursor) {

    /** The position after the last event of a page: ordering is (ts, seq) descending. */
    public record Cursor(long tsMicros, long seq) {
        public String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((tsMicros + ":" + seq).getBytes(StandardCharsets.US_ASCII));
        }

        /** @throws IllegalArgumentException when the text is not a cursor this server issued */
        public static Cursor decode(String text) {
            try {
                String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
                int colon = plain.indexOf(':');
                return new Cursor(Long.parseLong(plain.substring(0, colon)), Long.parseLong(plain.substring(colon + 1)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cursor: not a cursor returned by this API");
            }
        }
    }
}
