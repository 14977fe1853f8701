package dev.vigil.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Where a page of incidents stopped: ordering is (detected_at, id) descending. */
record IncidentCursor(long detectedMicros, String id) {
    String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((detectedMicros + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this server issued */
    static IncidentCursor decode(String text) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int colon = plain.indexOf(':');
            return new IncidentCursor(Long.parseLong(plain.substring(0, colon)), plain.substring(colon + 1));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cursor: not a cursor returned by this API");
        }
    }
}
